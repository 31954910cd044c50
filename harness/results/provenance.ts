import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface Provenance {
  git_commit: string | null;
  git_dirty: boolean | null;
  harness_version: string;
  node_version: string;
  hostname: string;
  kernel: string;
  cpu_model: string | null;
  cpu_count: number;
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  } catch {
    return null;
  }
}

let cached: Provenance | undefined;

// What ran where: commit, toolchain and machine, recorded in every plan.json (computed once per process).
export function collectProvenance(rootDir: string, harnessVersion: string): Provenance {
  if (cached) return cached;
  const commit = git(['rev-parse', 'HEAD'], rootDir);
  const status = commit ? git(['status', '--porcelain', '--untracked-files=no'], rootDir) : null;
  cached = {
    git_commit: commit,
    git_dirty: status === null ? null : status.length > 0,
    harness_version: harnessVersion,
    node_version: process.version,
    hostname: os.hostname(),
    kernel: `${os.type()} ${os.release()}`,
    cpu_model: os.cpus()[0]?.model ?? null,
    cpu_count: os.cpus().length,
  };
  return cached;
}
