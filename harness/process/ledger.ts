import { closeSync, constants, lstatSync, mkdirSync, openSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import { readTextBounded } from '../util/safe-file.ts';
import { safeReaddir } from './proc-info.ts';

/** The ledger folder in the artifacts root: one file per live run, removed at its teardown. */
export const LEDGER_DIR = '.ledger';

/** Beside `<token>.json`: the processes the run started, one JSON line each, appended as they start. */
export const PROCESSES_SUFFIX = '.processes.jsonl';

/** Most bytes read of a ledger file or its process list (a run starts a handful of processes). */
const LEDGER_MAX_BYTES = 1 << 20;

/** The process list that goes with a ledger file. */
export function processesFile(ledgerFile: string): string {
  return ledgerFile.replace(/\.json$/, PROCESSES_SUFFIX);
}

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

/**
 * A run's ledger: `<token>.json` written (atomically) once when the run opens, and each process it
 * starts appended to `<token>.processes.jsonl` — one write() on an open file, where rewriting the
 * entry cost a file creation and a rename per spawn (~3–5 ms here, twice per run).
 */
export class RunLedger {
  readonly file: string;
  /** Where the started processes are appended. */
  readonly processesFile: string;
  /** Why the ledger could not be written (disk full, read-only root), once. */
  writeError: string | undefined;
  private processesFd: number | undefined;

  constructor(
    artifactsRoot: string,
    private readonly entry: LedgerEntry,
  ) {
    this.file = path.join(artifactsRoot, LEDGER_DIR, `${entry.token}.json`);
    this.processesFile = processesFile(this.file);
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
    try {
      // Created exclusively on the first spawn (a planted file or link under the name is refused).
      this.processesFd ??= openSync(this.processesFile, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      const line = Buffer.from(`${JSON.stringify(p)}\n`);
      for (let off = 0; off < line.length; ) off += writeSync(this.processesFd, line, off, line.length - off);
    } catch (err) {
      this.writeError ??= `${this.processesFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }

  remove(): void {
    if (this.processesFd !== undefined) closeSync(this.processesFd);
    this.processesFd = undefined;
    removeLedgerFile(this.file);
  }
}

/** A ledger file that is there; `entry` null when it does not parse (hostile or cut short). */
export interface LedgerFile {
  file: string;
  entry: LedgerEntry | null;
}

// Every ledger file under an artifacts root, with the processes appended beside it. Reads are
// bounded and take regular files only (a FIFO or device planted under a ledger name reads as an
// unparseable entry, which the sweep removes, rather than blocking `harness run`).
export function readLedger(artifactsRoot: string): LedgerFile[] {
  const dir = path.join(artifactsRoot, LEDGER_DIR);
  return safeReaddir(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => {
      const file = path.join(dir, n);
      try {
        const entry = JSON.parse(readTextBounded(file, { maxBytes: LEDGER_MAX_BYTES, what: 'ledger file' })) as LedgerEntry;
        if (entry && Array.isArray(entry.processes)) entry.processes.push(...readProcesses(processesFile(file)));
        return { file, entry: checkEntry(entry) };
      } catch {
        return { file, entry: null };
      }
    });
}

// The appended process list: lines that parse (the last may be cut short by a crash); none when absent.
function readProcesses(file: string): LedgerProcess[] {
  try {
    lstatSync(file);
  } catch {
    return []; // no process started yet
  }
  // Not a regular file, or too large: throws, and the entry counts as unreadable.
  const text = readTextBounded(file, { maxBytes: LEDGER_MAX_BYTES, what: 'ledger process list' });
  return text.split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as LedgerProcess] : [];
    } catch {
      return [];
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
  for (const f of [processesFile(file), file]) {
    try {
      unlinkSync(f); // one syscall (rmSync's force path costs several at every run's end)
    } catch {} // gone already (a folder planted under the name is left alone)
  }
  try {
    rmdirSync(path.dirname(file));
  } catch {} // other live runs' entries remain
}
