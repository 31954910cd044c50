import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { READ_LIMITS, readTextBounded, UnsafeFileError } from '../util/safe-file.ts';
import { RunResultSchema, type RunResult } from './run-result-schema.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** One run as reporters, `--resume`, baselines, merge, ingest and the notebook see it. */
export interface RunRecord {
  dir: string;
  result: RunResult;
}

/**
 * An artifact the harness reads back that it cannot trust: unreadable, not a regular file (a FIFO, a
 * device), too large, not JSON, or off-schema. Bad input: exit 2, naming the file and the key.
 */
export class ArtifactReadError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'ArtifactReadError';
}

const RESULT = 'run_result.json';

// The one reader of run_result.json: bounded, regular files only (a FIFO or /dev/zero is refused at
// once, never read), validated against the schema with the failing key named.
export function readRunRecord(dir: string): RunRecord {
  const file = path.join(dir, RESULT);
  let raw: unknown;
  try {
    raw = JSON.parse(readTextBounded(file, { maxBytes: READ_LIMITS.json, what: RESULT }));
  } catch (err) {
    throw new ArtifactReadError(err instanceof UnsafeFileError ? `cannot read ${err.message}` : `cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = RunResultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ArtifactReadError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message} (not a run_result.json of this harness; move it out of the artifacts folder or delete it)`);
  }
  return { dir, result: parsed.data };
}

// Whether a folder holds a run result entry (not read here: a FIFO or device there is refused by the reader).
function hasResult(dir: string): boolean {
  try {
    return lstatSync(path.join(dir, RESULT), { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false; // not a folder
  }
}

/** The run folders of an artifacts root, read on demand (a root of 10,000 runs is listed, not parsed). */
export class ArtifactStore {
  constructor(readonly root: string) {}

  // Folder names that hold a run_result.json, sorted (timestamps first: oldest first), optionally filtered by name.
  runDirs(nameFilter: (name: string) => boolean = () => true): string[] {
    let names: string[];
    try {
      names = readdirSync(this.root).sort();
    } catch {
      return [];
    }
    return names.filter(nameFilter).map((n) => path.join(this.root, n)).filter(hasResult);
  }

  // Every run of the root, validated; the first untrusted result throws ArtifactReadError.
  records(nameFilter?: (name: string) => boolean): RunRecord[] {
    return this.runDirs(nameFilter).map(readRunRecord);
  }

  // The runs of one suite execution (an ID printed by `harness run`) or of the execution an artifact
  // folder belongs to; of a run measured again, its last attempt (an artifact folder named is kept).
  selectExecution(id: string): RunRecord[] {
    const all = this.records();
    const executions = new Set(all.filter((r) => path.basename(r.dir) === id || executionOf(r) === id).map(executionOf).filter((x): x is string => !!x));
    const named = all.filter((r) => path.basename(r.dir) === id);
    const inExecution = lastAttempts(all.filter((r) => executionOf(r) !== undefined && executions.has(executionOf(r)!)));
    return [...new Set([...named, ...inExecution])].sort((a, b) => a.dir.localeCompare(b.dir));
  }
}

export function executionOf(r: RunRecord): string | undefined {
  return r.result.run.suite_execution_id ?? r.result.run.session_id ?? undefined;
}

/**
 * A run measured again in one suite execution (a disturbed attempt, runner/run-attempts.ts) leaves a
 * folder per attempt: the result is its last one. Drops every record with a later attempt of the same
 * run in the same execution (by `run.attempt`, then start time); records of other executions stay.
 */
export function lastAttempts<T extends RunRecord>(records: readonly T[]): T[] {
  const key = (r: RunRecord): string => `${executionOf(r) ?? ''}\0${r.result.run.id}`;
  const rank = (r: RunRecord): [number, string] => [r.result.run.attempt ?? 1, r.result.started_at];
  const last = new Map<string, T>();
  for (const r of records) {
    const k = key(r);
    const seen = last.get(k);
    if (executionOf(r) === undefined || !seen) {
      if (!seen) last.set(k, r);
      continue;
    }
    const [a, b] = [rank(r), rank(seen)];
    if (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])) last.set(k, r);
  }
  const keep = new Set(last.values());
  return records.filter((r) => executionOf(r) === undefined || keep.has(r));
}

// Every run under the given paths: artifact folders themselves, or folders that contain them.
export function collectRunRecords(paths: readonly string[]): RunRecord[] {
  const out: RunRecord[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new ArtifactReadError(`no such file or folder: ${p}`);
    if (hasResult(p)) {
      out.push(readRunRecord(p));
      continue;
    }
    if (!statSync(p).isDirectory()) throw new ArtifactReadError(`${p} is neither an artifact folder nor a folder of them`);
    out.push(...new ArtifactStore(p).records());
  }
  return out;
}
