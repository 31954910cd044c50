import { statSync } from 'node:fs';
import type { CommandFailureReason } from './command-error.ts';

// Why a process never ran, from the spawn error: the reason and the headline of its CommandError.
export function describeSpawnFailure(err: (Error & { code?: string }) | undefined, exe: string, cwd: string): { reason: CommandFailureReason; headline: string } {
  // ENOENT also means a missing working directory; say which.
  if (err?.code === 'ENOENT' && !isDirectory(cwd)) return { reason: 'spawn', headline: `Working directory does not exist: ${cwd}` };
  if (err?.code === 'ENOENT') return { reason: 'not-found', headline: exe.includes('/') ? `Executable not found: ${exe}` : `Executable not found on PATH: ${exe}` };
  if (err?.code === 'EACCES') return { reason: 'spawn', headline: `Executable is not executable (permission denied): ${exe}` };
  return { reason: 'spawn', headline: `Could not start process (${err?.message ?? 'spawn failed'})` };
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
