// A scratch copy of the project for the doc-test: the repository's files (tracked and untracked, not
// ignored) copied into a temp folder, node_modules symlinked, so documented commands can write
// artifacts, reports and schemas without touching the checkout.
import { cpSync, mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { DocCommand } from './doc-commands.ts';

export class ScratchProject {
  private constructor(readonly root: string) {}

  /** Copy `source` (a git checkout) into a new temp folder. */
  static async create(source: string): Promise<ScratchProject> {
    const root = mkdtempSync(path.join(os.tmpdir(), 'harness-doctest-'));
    const { stdout } = await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: source });
    for (const rel of stdout.split('\0').filter((f) => f !== '' && f !== 'node_modules' && !f.startsWith('node_modules/'))) {
      const dest = path.join(root, rel);
      mkdirSync(path.dirname(dest), { recursive: true });
      try {
        cpSync(path.join(source, rel), dest, { verbatimSymlinks: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // deleted, not yet committed
      }
    }
    symlinkSync(realpathSync(path.join(source, 'node_modules')), path.join(root, 'node_modules'));
    // A repository with one commit, as a checkout is (mutations record their base commit).
    const git = { cwd: root, env: { GIT_AUTHOR_NAME: 'doctest', GIT_AUTHOR_EMAIL: 'doctest@localhost', GIT_COMMITTER_NAME: 'doctest', GIT_COMMITTER_EMAIL: 'doctest@localhost' } };
    await execa('git', ['init', '-q'], git);
    await execa('git', ['add', '-A', '.', ':!node_modules'], git);
    await execa('git', ['commit', '-q', '--no-gpg-sign', '-m', 'doc-test scratch copy'], git);
    return new ScratchProject(root);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** What one documented command did, and every way it broke its promise (empty: it kept it). */
export interface CommandOutcome {
  exitCode: number | undefined;
  output: string;
  broken: string[];
  durationMs: number;
}

// The environment a user's shell would have: none of the doc-test's own Vitest variables.
function userEnv(vars: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('VITEST') && k !== 'NODE_ENV' && k !== 'TEST') env[k] = v;
  return { ...env, ...vars, FORCE_COLOR: '0', NO_COLOR: '1' };
}

/** Run one documented command in `cwd` with bash (-e -o pipefail), then check its promise; `vars` gains what it `sets`. */
export async function runDocCommand(cmd: DocCommand, cwd: string, vars: Record<string, string>): Promise<CommandOutcome> {
  const began = Date.now();
  const res = await execa('bash', ['-e', '-o', 'pipefail', '-c', cmd.script], { cwd, env: userEnv(vars), extendEnv: false, reject: false, all: true, timeout: cmd.promise.timeoutS * 1000, stdin: 'ignore' });
  const output = res.all ?? '';
  const broken: string[] = [];
  if (res.timedOut) broken.push(`timed out after ${cmd.promise.timeoutS} s`);
  else if (res.exitCode !== cmd.promise.exit) broken.push(`exit ${res.exitCode ?? res.signal} (documented: exit=${cmd.promise.exit})`);
  for (const text of cmd.promise.prints) if (!output.includes(text)) broken.push(`did not print "${text}"`);
  for (const rel of cmd.promise.creates) {
    const ok = await execa('test', ['-e', rel], { cwd, reject: false });
    if (ok.exitCode !== 0) broken.push(`did not create ${rel}`);
  }
  for (const { name, pattern } of cmd.promise.sets) {
    const m = pattern.exec(output);
    if (m?.[1] === undefined) broken.push(`printed nothing matching ${pattern} (for $${name})`);
    else vars[name] = m[1];
  }
  return { exitCode: res.exitCode, output, broken, durationMs: Date.now() - began };
}
