import { existsSync, readdirSync, statSync } from 'node:fs';
import { READ_LIMITS, readTextBounded, UnsafeFileError } from '../util/safe-file.ts';
import path from 'node:path';
import { RunResultSchema, type RunResult } from '../results/run-result-schema.ts';

/** One run as reporters see it: its run_result.json and where it lives. */
export interface RunRecord {
  dir: string;
  result: RunResult;
}

/** A folder that should hold runs but does not, or a run_result.json that does not parse. */
export class RunRecordError extends Error {
  override readonly name = 'RunRecordError';
}

// Read one artifact folder's run_result.json (validated against the schema).
export function readRunRecord(dir: string): RunRecord {
  const file = path.join(dir, 'run_result.json');
  let raw: unknown;
  try {
    // Bounded, regular files only: a run_result.json linked to /dev/zero or a FIFO is refused at once.
    raw = JSON.parse(readTextBounded(file, { maxBytes: READ_LIMITS.json, what: 'run_result.json' }));
  } catch (err) {
    throw new RunRecordError(err instanceof UnsafeFileError ? `cannot read ${err.message}` : `cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = RunResultSchema.safeParse(raw);
  if (!parsed.success) throw new RunRecordError(`${file} is not a run_result.json of this harness: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
  return { dir, result: parsed.data };
}

// Every run under the given paths: artifact folders themselves, or folders that contain them.
export function collectRunRecords(paths: readonly string[]): RunRecord[] {
  const out: RunRecord[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new RunRecordError(`no such file or folder: ${p}`);
    if (existsSync(path.join(p, 'run_result.json'))) {
      out.push(readRunRecord(p));
      continue;
    }
    if (!statSync(p).isDirectory()) throw new RunRecordError(`${p} is neither an artifact folder nor a folder of them`);
    for (const name of readdirSync(p).sort()) {
      const dir = path.join(p, name);
      if (existsSync(path.join(dir, 'run_result.json'))) out.push(readRunRecord(dir));
    }
  }
  return out;
}
