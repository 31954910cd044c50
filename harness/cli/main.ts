import { Command, CommanderError } from 'commander';
import { findProjectRoot } from '../config/project-root.ts';
import { reportError, UsageError } from './errors.ts';
import { checkRootFlag } from './root-flag.ts';
import { addRunFlags } from './run-flags.ts';

// Each command's module is loaded when it runs, so `--help` and a plan do not load what a run,
// an ingest or a report needs (ssh2, ClickHouse, JUnit, ECharts).
const commands = {
  plan: () => import('./commands/plan.ts'),
  run: () => import('./commands/run.ts'),
  compile: () => import('./commands/compile.ts'),
  schema: () => import('./commands/schema.ts'),
  compare: () => import('./commands/compare.ts'),
  merge: () => import('./commands/merge.ts'),
  ingest: () => import('./commands/ingest.ts'),
  notebook: () => import('./commands/notebook.ts'),
  preflight: () => import('./commands/preflight.ts'),
  deploy: () => import('./commands/deploy.ts'),
  doctor: () => import('./commands/doctor.ts'),
};

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

// Entry point of `npx harness`: returns the exit code (0 ok, 1 failure, 2 bad input).
export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode = 0;
  const program = new Command('harness')
    .description('MicroSentinel experiment harness: suite descriptors → runs → artifacts')
    .option('--root <dir>', 'project root (default: nearest folder with experiments/configs)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showSuggestionAfterError(true);
  const root = (): string => (program.opts().root !== undefined ? checkRootFlag(String(program.opts().root)) : findProjectRoot(process.cwd(), process.env.HARNESS_ROOT));
  const set = (code: number): void => {
    exitCode = code;
  };

  addRunFlags(program.command('plan').description('dry run: every planned run with its resolved commands').requiredOption('--suite <name|path>', 'suite name or descriptor path').option('--json', 'machine-readable output').option('--count', 'only count the runs per workload'))
    .action(async (opts) => set((await commands.plan()).planCommand(root(), opts, io)));
  addRunFlags(program.command('run').description('run a suite through Vitest').requiredOption('--suite <name|path>', 'suite name or descriptor path').option('--dry-run', 'print the plan, launch nothing').option('--json', 'with --dry-run: JSON').option('--shard <i/n>', 'run only shard i of n (whole generated files, as vitest --shard)').option('--resume', 'skip runs that already passed with the same run id; rerun the rest').option('--no-deploy', 'do not deploy the workload bundles to the generator nodes first (runs still refuse stale code)').option('--min-free-mb <n>', 'free space the artifacts root needs before the suite starts (default 64, or HARNESS_MIN_FREE_MB; 0 disables)'))
    .action(async (opts) => set(await (await commands.run()).runCommand(root(), opts, io)));
  program
    .command('deploy')
    .description('bundle the workload programs and upload them to the generator nodes (skipped where the hash matches)')
    .option('--suite <name...>', 'the generator nodes of these suites (default: every suite with remote clients)')
    .option('--host <alias...>', 'only these hosts; a host no suite names gets --workdir and --ssh-config')
    .option('--workdir <dir>', 'remote workdir for hosts named only by --host', '~/MicroSentinel')
    .option('--ssh-config <file>', 'ssh_config for hosts named only by --host (default ~/.ssh/config)')
    .action(async (opts) => set(await (await commands.deploy()).deployCommand(root(), opts, io)));
  program
    .command('compile')
    .description('generate suites/<suite>/<workload>.test.ts from the descriptors')
    .option('--suite <name...>', 'only these suites (default: all)')
    .option('--check', 'fail when a generated file is stale instead of writing it')
    .option('--max-runs <n>', 'refuse suites that plan more runs than this (default 100000)')
    .action(async (opts) => set((await commands.compile()).compileCommand(root(), opts, io)));
  const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
  program
    .command('compare')
    .description('verdicts per metric between two summaries or artifact folders (exact Mann–Whitney U, Holm)')
    .argument('<base>', 'baseline: summary.json or artifact folder(s) root')
    .argument('[candidate]', 'candidate: summary.json or artifact folder(s) root (default with --mutation: the base input)')
    .option('--mutation <name>', 'compare mutation=base (in BASE) against mutation=NAME (in CANDIDATE), the rest of each variant matched')
    .option('--json', 'JSON instead of Markdown')
    .option('--out <file>', 'also write the output to a file (its folder must exist)')
    .option('--fail-on <what>', 'exit 1 on: regression | inconclusive | never', 'never')
    .option('--min-effect <fraction>', 'smallest change that matters (default 0.05 = 5 %)')
    .option('--min-effect-for <metric=fraction>', 'per-metric minimum effect (repeatable)', collect)
    .option('--metric <name>', 'only this metric (repeatable)', collect)
    .option('--alpha <p>', 'significance level (default 0.05)')
    .option('--margin <percent>', 'margin verdicts instead: no change within ±X % / regressed / improved / inconclusive (e.g. 5%; docs/precision.md)')
    .action(async (base, candidate, opts) => set((await commands.compare()).compareCommand(base, candidate, opts, io)));
  program
    .command('merge')
    .description('merge the run results of several shards into one JUnit, summary and HTML report')
    .argument('<dirs...>', 'artifact folders, or folders that hold them (one per shard)')
    .option('--summary <path>', 'summary JSON path (default reports/summary.json)')
    .option('--reports <dir>', 'reports folder (default reports/)')
    .action(async (dirs, opts) => set(await (await commands.merge()).mergeCommand(root(), dirs, opts, io)));
  program
    .command('ingest')
    .description('load run results into ClickHouse (idempotent); --suite-table prints a suite’s table')
    .argument('[paths...]', 'artifact folders, or folders that hold them')
    .option('--clickhouse <url>', 'ClickHouse HTTP interface, e.g. http://127.0.0.1:8123 (or HARNESS_CLICKHOUSE_URL)')
    .option('--database <name>', 'database', 'harness')
    .option('--suite-table <id>', 'print the suite table of a suite execution ID or of the suite of a run’s artifact folder name')
    .option('--batch-size <runs>', 'runs per insert batch (default 2000)')
    .action(async (paths, opts) => set(await (await commands.ingest()).ingestCommand(paths, opts, io)));
  program
    .command('notebook')
    .description('write a Jupyter notebook that rebuilds a suite’s analysis from one suite execution ID or artifact ID')
    .argument('<id>', 'suite execution ID (printed by `harness run`) or a run’s artifact folder name')
    .option('--clickhouse <url>', 'read ClickHouse over HTTP after `harness ingest` (or HARNESS_CLICKHOUSE_URL)')
    .option('--database <name>', 'database', 'harness')
    .option('--artifacts <dir>', 'read the artifact folders directly (default: the artifacts root, when no ClickHouse is given)')
    .option('--out <file>', 'notebook path (default reports/analysis-<id>.ipynb)')
    .action(async (id, opts) => set(await (await commands.notebook()).notebookCommand(root(), id, opts, io)));
  program
    .command('preflight')
    .description('check the host’s measurement-relevant state (governor, SMT, turbo, clock sync)')
    .option('--fatal <checks>', 'comma-separated checks that fail the command unless ok')
    .option('--out <file>', 'write the results as JSON')
    .action(async (opts) => set((await commands.preflight()).preflightCommand(opts, io)));
  program
    .command('doctor')
    .description('show how runs are contained here; find, name and remove what a dead harness left behind')
    .option('--artifacts <dir>', 'artifacts root whose ledger to check (default experiments/artifacts)')
    .action(async (opts) => set(await (await commands.doctor()).doctorCommand(root(), opts, io)));
  program
    .command('schema')
    .description('write JSON Schemas for descriptors, workload configs and run results')
    .option('--out <dir>', 'output folder', 'harness/schemas')
    .action(async (opts) => set((await commands.schema()).schemaCommand(root(), opts, io)));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      return 2; // commander already printed the message (with "did you mean")
    }
    return reportError(err instanceof UsageError ? err : err, io.stderr);
  }
}
