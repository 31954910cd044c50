import { compileAll, formatCompileResult } from '../../compile/compile-suites.ts';
import type { CliIo } from '../main.ts';

// `harness compile [--check]`: write (or verify) the generated Vitest files.
export function compileCommand(rootDir: string, opts: { suite?: string[]; check?: boolean }, io: CliIo): number {
  const files = compileAll(rootDir, opts.suite, opts.check ?? false);
  io.stdout.write(`${formatCompileResult(files, rootDir)}\n`);
  const stale = files.filter((f) => f.status === 'stale' || f.status === 'orphan');
  if (stale.length > 0) {
    io.stderr.write(`error: ${stale.length} generated file(s) out of date with their descriptors; run \`npx harness compile\` and commit the result\n`);
    return 1;
  }
  return 0;
}
