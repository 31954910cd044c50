import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { git, GitError } from './git.ts';
import { HarnessError } from '../errors/harness-error.ts';

export interface MutationSpec {
  name: string;
  /** Absolute path of the patch file. */
  patch: string;
  patchSha256: string;
  /** Shell command run once in the worktree after the patch applies. */
  build?: string;
}

export interface PreparedWorktree {
  dir: string;
  baseCommit: string;
  patchSha256: string;
  buildLog: string | null;
}

/** A patch that does not apply: names the patch file and the hunk git rejected. */
export class PatchError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'PatchError';
}

/** A mutation's build command failed. */
export class BuildError extends HarnessError {
  readonly failureKind = 'process' as const;
  override readonly name = 'BuildError';
}

/** Where worktrees go when no session says (the session's `worktreeDir`: HARNESS_WORKTREE_DIR). */
export const DEFAULT_WORKTREE_DIR = path.join(os.tmpdir(), 'harness-worktrees');

const inFlight = new Map<string, Promise<PreparedWorktree>>();

// A worktree at the base commit with the patch applied and built — once per (base commit, patch hash).
// Worktrees live outside the user's checkout (in `root`): the checkout is never modified, whatever happens.
export function prepareWorktree(repo: string, baseCommit: string, m: MutationSpec, root: string): Promise<PreparedWorktree> {
  const key = `${baseCommit.slice(0, 12)}-${m.patchSha256.slice(0, 12)}`;
  let p = inFlight.get(key);
  if (!p) {
    p = create(repo, baseCommit, m, root, path.join(root, key));
    inFlight.set(key, p);
    p.catch(() => inFlight.delete(key));
  }
  return p;
}

async function create(repo: string, baseCommit: string, m: MutationSpec, root: string, dir: string): Promise<PreparedWorktree> {
  const done = path.join(dir, '.harness-mutation-ready');
  const buildLog = m.build ? path.join(dir, '.harness-build.log') : null;
  if (existsSync(done)) return { dir, baseCommit, patchSha256: m.patchSha256, buildLog };
  mkdirSync(root, { recursive: true });
  if (existsSync(dir)) await removeWorktree(repo, dir);
  await git(['worktree', 'add', '--detach', '--force', dir, baseCommit], repo);
  try {
    try {
      await git(['apply', '--whitespace=nowarn', m.patch], dir);
    } catch (err) {
      const said = err instanceof GitError ? err.message.split('\n').slice(1).join('\n') : String(err);
      throw new PatchError(`mutation ${m.name}: patch ${m.patch} does not apply to ${baseCommit.slice(0, 12)}:\n${said}`);
    }
    // Dependencies are shared with the checkout, not installed again.
    const modules = path.join(repo, 'node_modules');
    if (existsSync(modules) && !existsSync(path.join(dir, 'node_modules'))) symlinkSync(modules, path.join(dir, 'node_modules'));
    if (m.build) {
      const res = await execa('sh', ['-c', m.build], { cwd: dir, reject: false, all: true, timeout: 600_000 });
      writeFileSync(buildLog!, res.all ?? '');
      if (res.exitCode !== 0) throw new BuildError(`mutation ${m.name}: build \`${m.build}\` failed with exit code ${res.exitCode}; see ${buildLog}\n${String(res.all ?? '').split('\n').slice(-15).join('\n')}`);
    }
    writeFileSync(done, `${baseCommit} ${m.patchSha256}\n`);
    return { dir, baseCommit, patchSha256: m.patchSha256, buildLog };
  } catch (err) {
    await removeWorktree(repo, dir).catch(() => undefined);
    throw err;
  }
}

// Remove one worktree and its git metadata.
export async function removeWorktree(repo: string, dir: string): Promise<void> {
  await git(['worktree', 'remove', '--force', dir], repo).catch(() => rmSync(dir, { recursive: true, force: true }));
  await git(['worktree', 'prune'], repo).catch(() => undefined);
}

// Remove every worktree this machine's harness made for `repo` (end of a suite, or after Ctrl-C).
export async function removeAllWorktrees(repo: string, root: string): Promise<number> {
  // No folder, no worktree of ours (each lives in it): no git process at every suite's end.
  if (!existsSync(root)) {
    inFlight.clear();
    return 0;
  }
  const list = await git(['worktree', 'list', '--porcelain'], repo).catch(() => '');
  const dirs = list.split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice(9)).filter((d) => d.startsWith(root + path.sep));
  for (const d of dirs) await removeWorktree(repo, d);
  inFlight.clear();
  return dirs.length;
}

