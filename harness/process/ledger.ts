import { mkdirSync, readFileSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import { safeReaddir } from './proc-info.ts';

/** The ledger folder in the artifacts root: one file per live run, removed at its teardown. */
export const LEDGER_DIR = '.ledger';

/** One process a run started, as the ledger records it. */
export interface LedgerProcess {
  name: string;
  pid: number;
  pgid: number;
  start_time: number;
  command_line: string;
}

/** What one live run started: enough for a later harness to find and remove it if this one dies. */
export interface LedgerEntry {
  version: 1;
  run: { name: string; id: string; artifact_dir: string };
  owner: { pid: number; start_time: number; command_line: string };
  created_at: string;
  /** Every process of the run carries HARNESS_RUN_TOKEN=<token> in its environment. */
  token: string;
  cgroup: { kind: 'v2' | 'v1'; dirs: string[] } | null;
  processes: LedgerProcess[];
}

/** A run's ledger file, rewritten (atomically) at each spawn. */
export class RunLedger {
  readonly file: string;
  /** Why the ledger could not be written (disk full, read-only root), once. */
  writeError: string | undefined;

  constructor(
    artifactsRoot: string,
    private readonly entry: LedgerEntry,
  ) {
    this.file = path.join(artifactsRoot, LEDGER_DIR, `${entry.token}.json`);
  }

  save(): void {
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeJsonAtomic(this.file, this.entry);
    } catch (err) {
      this.writeError ??= `${this.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }

  add(p: LedgerProcess): void {
    this.entry.processes.push(p);
    this.save();
  }

  remove(): void {
    removeLedgerFile(this.file);
  }
}

/** A ledger file that is there; `entry` null when it does not parse (hostile or cut short). */
export interface LedgerFile {
  file: string;
  entry: LedgerEntry | null;
}

// Every ledger file under an artifacts root.
export function readLedger(artifactsRoot: string): LedgerFile[] {
  const dir = path.join(artifactsRoot, LEDGER_DIR);
  return safeReaddir(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => {
      const file = path.join(dir, n);
      try {
        return { file, entry: checkEntry(JSON.parse(readFileSync(file, 'utf8'))) };
      } catch {
        return { file, entry: null };
      }
    });
}

// The shape a ledger entry must have before anything in it is acted on.
function checkEntry(v: unknown): LedgerEntry | null {
  const e = v as LedgerEntry;
  const int = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) > 0;
  if (!e || e.version !== 1 || typeof e.token !== 'string' || !/^[\w-]+$/.test(e.token)) return null;
  if (!e.owner || !int(e.owner.pid) || !int(e.owner.start_time) || !e.run || typeof e.run.name !== 'string') return null;
  if (!Array.isArray(e.processes) || !e.processes.every((p) => int(p.pid) && int(p.pgid) && int(p.start_time) && typeof p.name === 'string')) return null;
  if (e.cgroup !== null && (!e.cgroup || !Array.isArray(e.cgroup.dirs) || !e.cgroup.dirs.every((d) => typeof d === 'string'))) return null;
  return e;
}

// Delete a ledger file, and the ledger folder once empty (an artifacts root shows only runs).
export function removeLedgerFile(file: string): void {
  try {
    unlinkSync(file); // one syscall (rmSync's force path costs several at every run's end)
  } catch {} // gone already (a folder planted under the name is left alone)
  try {
    rmdirSync(path.dirname(file));
  } catch {} // other live runs' entries remain
}
