import { execa } from 'execa';
import { HarnessError } from '../errors/harness-error.ts';

/** A git command that failed, with what git said. */
export class GitError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'GitError';
}

// Run git in a folder; failures carry git's stderr.
export async function git(args: string[], cwd: string, opts: { input?: string } = {}): Promise<string> {
  const res = await execa('git', args, { cwd, reject: false, ...(opts.input !== undefined ? { input: opts.input } : {}) });
  if (res.exitCode !== 0) throw new GitError(`git ${args.join(' ')} failed (exit ${res.exitCode}) in ${cwd}:\n${String(res.stderr || res.stdout).trim()}`);
  return String(res.stdout).trim();
}
