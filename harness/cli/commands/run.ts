import path from 'node:path';
import { execa } from 'execa';
import { PACKAGE_ROOT, displayPath } from '../../config/project-root.ts';
import { compileSuite } from '../../compile/compile-suites.ts';
import { planSuite } from '../../plan/build-plan.ts';
import { runOptionsToEnv } from '../../plan/run-options-env.ts';
import type { CliIo } from '../main.ts';
import { formatPlan, planToJson } from '../print-plan.ts';
import { parseShard, readRunFlags } from '../run-flags.ts';
import { formatResumePlan, resumePlan } from '../../results/resume-plan.ts';
import { artifactsRoot } from '../../results/artifact-dir.ts';
import { newSessionId } from '../../fixtures/global-setup.ts';
import { removeAllWorktrees } from '../../mutations/worktree.ts';

// `harness run --suite X [flags]`: validate, refresh the generated files, run them in Vitest.
export async function runCommand(rootDir: string, opts: Record<string, string | boolean | undefined>, io: CliIo): Promise<number> {
  const options = readRunFlags(opts as Record<string, string | undefined>);
  const plan = planSuite(String(opts.suite), { rootDir, options });
  for (const w of plan.warnings) io.stderr.write(`warning: ${w}\n`);
  if (options.resume) io.stderr.write(`${formatResumePlan(resumePlan(plan, artifactsRoot(rootDir, options.artifactsDir)))}\n`);
  if (opts.dryRun) {
    io.stdout.write(opts.json ? `${JSON.stringify(planToJson(plan), null, 2)}\n` : `${formatPlan(plan)}\n`);
    return 0;
  }
  // The generated files must match the descriptor; regenerate rather than run a stale one.
  const base = Object.keys(options).length === 0 ? plan : planSuite(String(opts.suite), { rootDir });
  for (const f of compileSuite(base, { rootDir })) {
    if (f.status === 'written' || f.status === 'removed') io.stderr.write(`note: regenerated ${displayPath(f.file, rootDir)} from ${plan.suite.displayFile}\n`);
  }
  const shard = opts.shard ? parseShard(String(opts.shard)) : undefined;
  const vitest = path.join(PACKAGE_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const config = path.join(PACKAGE_ROOT, 'harness', 'runner', 'experiments.vitest.config.ts');
  const args = [vitest, 'run', '--config', config, '--root', rootDir, `suites/${plan.name}/`, ...(shard ? ['--shard', `${shard.index}/${shard.count}`] : [])];
  // Ctrl-C reaches Vitest too (same process group); wait for it to stop, then clean up here.
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const child = await execa(process.execPath, args, {
    cwd: rootDir,
    env: { ...runOptionsToEnv(options), HARNESS_ROOT: rootDir, HARNESS_SESSION_ID: process.env.HARNESS_SESSION_ID ?? newSessionId() },
    stdio: 'inherit',
    reject: false,
  });
  try {
    // Worktrees of mutations never outlive the suite, also when Vitest was interrupted.
    if (plan.runs.some((r) => r.mutation)) await removeAllWorktrees(rootDir);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (interrupted) {
    io.stderr.write(`interrupted (${interrupted}): artifacts of the runs so far are kept; rerun with --resume to finish\n`);
    return interrupted === 'SIGINT' ? 130 : 143;
  }
  return child.exitCode ?? 1;
}
