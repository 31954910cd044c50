import { accessSync, constants, mkdirSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.ts';

/** Free space an artifacts root needs before a suite starts, unless --min-free-mb says otherwise. */
export const DEFAULT_MIN_FREE_MB = 64;

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

// The nearest existing path at or above p (the root always exists).
function nearestExisting(p: string): string {
  let cur = p;
  for (;;) {
    try {
      statSync(cur);
      return cur;
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return cur;
      cur = up;
    }
  }
}

// Check the artifacts root before anything starts: a directory (created if missing), writable,
// with at least `minFreeMb` MiB free. Throws UsageError (exit 2) naming the path and what to do.
export function checkArtifactsRoot(root: string, minFreeMb: number, flag = '--artifacts'): void {
  const existing = nearestExisting(root);
  if (!statSync(existing).isDirectory()) {
    throw new UsageError(`artifacts root ${root} cannot be used: ${existing} is a file, not a directory; pass ${flag} a folder path`);
  }
  try {
    mkdirSync(root, { recursive: true });
  } catch (err) {
    throw new UsageError(`artifacts root ${root} cannot be created (${code(err)}); pass ${flag} a folder you can write`);
  }
  if (!statSync(root).isDirectory()) throw new UsageError(`artifacts root ${root} is not a directory; pass ${flag} a folder path`);
  // access() says what the mode bits allow; a probe file also catches read-only mounts and full disks.
  const probe = path.join(root, `.harness-write-check.${process.pid}`);
  try {
    accessSync(root, constants.W_OK);
    writeFileSync(probe, 'ok');
  } catch (err) {
    const c = code(err);
    const why = c === 'ENOSPC' ? 'the disk is full (ENOSPC)' : c === 'EROFS' ? 'it is on a read-only file system' : `it is not writable (${c})`;
    throw new UsageError(`artifacts root ${root} cannot be used: ${why}; free space or pass ${flag} another folder`);
  } finally {
    rmSync(probe, { force: true });
  }
  const fs = statfsSync(root);
  const freeMb = (fs.bavail * fs.bsize) / 2 ** 20;
  if (freeMb < minFreeMb) {
    throw new UsageError(`artifacts root ${root} has only ${formatMb(freeMb)} free, below the ${minFreeMb} MiB a suite needs (disk nearly full): free space, pass ${flag} another folder, or lower --min-free-mb`);
  }
}

function formatMb(mb: number): string {
  return mb < 1 ? `${Math.round(mb * 1024)} KiB` : `${mb.toFixed(1)} MiB`;
}

// --min-free-mb / HARNESS_MIN_FREE_MB: a whole number of MiB, 0 disables the check.
export function readMinFreeMb(flag: string | boolean | undefined): number {
  const raw = typeof flag === 'string' ? flag : process.env.HARNESS_MIN_FREE_MB;
  if (raw === undefined) return DEFAULT_MIN_FREE_MB;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--min-free-mb must be a whole number of MiB (0 disables the check), got "${raw}"`);
  return n;
}
