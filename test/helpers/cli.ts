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

/** Run the CLI's `main` in this process (no bundle, no child): its exit code and what it wrote. */
export async function runMain(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import('../../harness/cli/main.ts');
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => ({ write: (s: string) => (append(s), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(args, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) });
  return { code, out, err };
}
