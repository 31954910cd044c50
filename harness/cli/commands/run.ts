import path from 'node:path';
import { PACKAGE_ROOT, displayPath } from '../../config/project-root.ts';
import { compileSuite } from '../../compile/compile-suites.ts';
import { planSuite } from '../../plan/build-plan.ts';
import type { CliIo } from '../main.ts';
import { formatPlan, planToJson } from '../print-plan.ts';
import { readRunFlags } from '../run-flags.ts';
import { formatResumePlan, resumePlan } from '../../results/resume-plan.ts';
import { removeAllWorktrees } from '../../mutations/worktree.ts';
import { sweepLeftovers } from '../../process/containment.ts';
import { containmentSupport } from '../../process/process-registry.ts';
import { checkArtifactsRoot, readMinFreeMb } from '../artifacts-root-check.ts';
import { runVitestChild, signalExitCode } from '../vitest-child.ts';
import { ensureSessionReports } from '../session-reports.ts';
import { checkSummaryFlag, cliSession } from '../cli-session.ts';
import { sessionToEnv } from '../../session/handover.ts';

// `harness run --suite X [flags]`: resolve the session once, plan once, refresh the generated files,
// run them in Vitest with the session handed over.
export async function runCommand(rootDir: string, opts: Record<string, string | boolean | undefined>, io: CliIo): Promise<number> {
  // Flags first (a bad --shard must not print a plan and exit 0), then the plan.
  const session = cliSession(rootDir, readRunFlags(opts));
  checkSummaryFlag(session);
  const plan = planSuite(String(opts.suite), { rootDir, overrides: session.overrides, maxRuns: session.maxRuns });
  for (const w of plan.warnings) io.stderr.write(`warning: ${w}\n`);
  if (!opts.dryRun) {
    // A root that cannot hold the results fails now (exit 2), not as a raw error in every run. It is
    // created here, so a --summary inside it (the brief's experiments/artifacts/latest_summary.json) is fine.
    checkArtifactsRoot(session.artifactsRoot, readMinFreeMb(opts.minFreeMb), opts.artifacts !== undefined ? '--artifacts' : 'HARNESS_ARTIFACTS_DIR (or --artifacts)');
  }
  if (session.resume) {
    // A result the artifact store cannot trust is exit 2 (ArtifactReadError), naming the file.
    io.stderr.write(`${formatResumePlan(resumePlan(plan, session.artifactsRoot))}\n`);
  }
  if (opts.dryRun) {
    io.stdout.write(opts.json ? `${JSON.stringify(planToJson(plan, session.artifactsRoot), null, 2)}\n` : `${formatPlan(plan, session.artifactsRoot)}\n`);
    return 0;
  }
  // The generated files must match the descriptor; regenerate rather than run a stale one. Their
  // digests leave the command-line overrides out, so the same plan serves both.
  for (const f of compileSuite(plan, { rootDir })) {
    if (f.status === 'written' || f.status === 'removed') io.stderr.write(`note: regenerated ${displayPath(f.file, rootDir)} from ${plan.suite.displayFile}\n`);
  }
  // Generator nodes get the bundles of this checkout first (a no-op when their hash matches).
  // Loaded only when a run has remote clients (ssh2 and the deploy code cost ~0.2 s to import).
  if (opts.deploy !== false && plan.runs.some((r) => r.resolved.clients.some((c) => c.remote))) {
    const { deployForSuite } = await import('./deploy.ts');
    const deployed = await deployForSuite(plan, rootDir, io);
    if (deployed !== 0) return deployed;
  }
  const vitest = path.join(PACKAGE_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const config = path.join(PACKAGE_ROOT, 'harness', 'runner', 'experiments.vitest.config.ts');
  const { shard } = session;
  const args = [vitest, 'run', '--config', config, '--root', rootDir, `suites/${plan.name}/`, ...(shard ? ['--shard', `${shard.index}/${shard.count}`] : [])];
  // What a dead harness left behind (servers holding ports, run cgroups) goes before anything starts.
  for (const l of await sweepLeftovers(session.artifactsRoot, containmentSupport(session.containment))) io.stderr.write(`warning: removed ${l.description}\n`);
  // One ID for every run of this invocation: printed now and at the end, stored in each run's results.
  const executionId = session.executionId;
  io.stderr.write(`suite execution ${executionId}: ${plan.name}, ${plan.runs.length} runs${shard ? ` (shard ${shard.index}/${shard.count} runs its share)` : ''}\n`);
  const startedAt = new Date();
  const { exitCode, interrupted } = await runVitestChild(args, { cwd: rootDir, env: sessionToEnv(session) });
  // Worktrees of mutations never outlive the suite, also when Vitest was interrupted.
  if (plan.runs.some((r) => r.mutation)) await removeAllWorktrees(rootDir, session.worktreeDir);
  const note = await ensureSessionReports({ session, suite: plan.name, startedAt, interrupted: interrupted !== undefined });
  if (note) io.stderr.write(`note: ${note}\n`);
  io.stderr.write(`suite execution ${executionId} ended (exit ${interrupted ?? exitCode ?? 1}); select its data with this ID: npx harness notebook ${executionId}\n`);
  if (interrupted) {
    io.stderr.write(`interrupted (${interrupted}): artifacts of the runs so far are kept; rerun with --resume to finish\n`);
    return signalExitCode(interrupted);
  }
  return exitCode ?? 1;
}
