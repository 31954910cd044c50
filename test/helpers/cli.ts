import path from 'node:path';
import { execa } from 'execa';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';

// Run `harness` as a user would (a real process through bin/harness.js).
export function runCli(args: string[], opts: { cwd: string; env?: Record<string, string>; timeout?: number }) {
  return execa(process.execPath, [path.join(PACKAGE_ROOT, 'bin/harness.js'), ...args], {
    cwd: opts.cwd,
    env: { ...opts.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    reject: false,
    all: true,
    timeout: opts.timeout ?? 170_000, // under the test timeout, so a hang reports the CLI's output
  });
}
