import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ResultRecorder, RunFindings } from '../results/result-recorder.ts';
import type { RunResult } from '../results/run-result-schema.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** run_result.json could not be written (disk full, read-only): the path and the cause. */
export class ResultWriteError extends HarnessError {
  readonly failureKind = 'internal' as const;
  override readonly name = 'ResultWriteError';
  constructor(message: string) {
    super(message);
    // The message names the path and the cause; a stack would only make Vitest print a code frame of the harness.
    this.stack = `${this.name}: ${message}`;
  }
}

// What a file-system error code means to someone who has to fix it.
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (ENOSPC: no space left on device)';
    case 'EDQUOT':
      return 'the disk quota is exhausted (EDQUOT)';
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    default:
      return (err as Error).message ?? String(err);
  }
}

// Temporary files an interrupted atomic write left in the artifact folder (".name.<pid>.<time>.tmp").
export function removeTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const temps = names.filter((n) => /^\..+\.tmp$/.test(n));
  for (const n of temps) rmSync(path.join(dir, n), { force: true });
  return temps;
}

// Write run_result.json; when that fails (disk full), remove the temporary files, try once more
// with a short record of the failure (it may fit where the full one did not), then throw an
// error that names the path and the cause.
export function writeRunResult(recorder: ResultRecorder, artifactDir: string, findings: RunFindings): RunResult {
  try {
    return recorder.write(findings);
  } catch (err) {
    removeTempFiles(artifactDir);
    const { status, error } = findings;
    const runError = error ? `; the run itself had ${status === 'interrupted' ? 'been interrupted' : 'failed'}: ${error.message.split('\n')[0]}` : '';
    const message = `Cannot write ${recorder.resultPath}: ${describeFsError(err)}${runError}. Free space on the artifacts root, or pass --artifacts a folder on another disk.`;
    try {
      const short = { message, kind: 'internal' as const, reason: 'ResultWriteError', command: null, log: null, log_tail: null };
      recorder.write({ ...findings, status: status === 'interrupted' ? 'interrupted' : 'failed', error: short, commands: [] });
    } catch {
      removeTempFiles(artifactDir);
    }
    throw new ResultWriteError(message); // no `cause`: the message names it, and Vitest would print its stack
  }
}
