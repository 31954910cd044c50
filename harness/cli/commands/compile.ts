import { compileAll, formatCompileResult } from '../../compile/compile-suites.ts';
import type { CliIo } from '../main.ts';
import { UsageError } from '../errors.ts';

// `harness compile [--check]`: write (or verify) the generated Vitest files.
export function compileCommand(rootDir: string, opts: { suite?: string[]; check?: boolean; maxRuns?: string }, io: CliIo): number {
  const maxRuns = opts.maxRuns === undefined ? undefined : Number(opts.maxRuns);
  if (maxRuns !== undefined && !(Number.isInteger(maxRuns) && maxRuns > 0)) throw new UsageError(`--max-runs must be a whole number above 0, got "${opts.maxRuns}"`);
  const files = compileAll(rootDir, opts.suite, opts.check ?? false, maxRuns);
  io.stdout.write(`${formatCompileResult(files, rootDir)}\n`);
  const stale = files.filter((f) => f.status === 'stale' || f.status === 'orphan');
  if (stale.length > 0) {
    io.stderr.write(`error: ${stale.length} generated file(s) out of date with their descriptors; run \`npx harness compile\` and commit the result\n`);
    return 1;
  }
  return 0;
}
