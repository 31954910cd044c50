import { planSuite } from '../../plan/build-plan.ts';
import type { CliIo } from '../main.ts';
import { formatPlan, planToJson } from '../print-plan.ts';
import { readRunFlags } from '../run-flags.ts';
import { checkSummaryFlag, cliSession } from '../cli-session.ts';

// `harness plan --suite X [--json]`: print every run and its commands; launches nothing.
export function planCommand(rootDir: string, opts: Record<string, string | undefined>, io: CliIo): number {
  const session = cliSession(rootDir, readRunFlags(opts));
  checkSummaryFlag(session);
  const plan = planSuite(opts.suite!, { rootDir, overrides: session.overrides, maxRuns: session.maxRuns });
  for (const w of plan.warnings) io.stderr.write(`warning: ${w}\n`);
  if (opts.count) {
    for (const w of plan.workloads) {
      // With precision targets the runs are an upper bound: blocks past min_repetitions run only while needed.
      const precision = w.runs[0]?.precision;
      const reps = precision ? `up to ${precision.max_repetitions} repetitions; precision: at least ${precision.min_repetitions}, then while a target is open${precision.stop_arms === 'each' ? ', each mode and level until its own targets are met' : ''}` : `${w.source.entry.repetitions} repetitions`;
      io.stdout.write(`${w.name}: ${precision ? 'up to ' : ''}${w.runs.length} runs (${w.source.entry.modes.length} modes × ${w.space.variants.length} variants × ${reps})\n`);
    }
    io.stdout.write(`total: ${plan.runs.length} runs\n`);
    return 0;
  }
  io.stdout.write(opts.json ? `${JSON.stringify(planToJson(plan, session.artifactsRoot), null, 2)}\n` : `${formatPlan(plan, session.artifactsRoot)}\n`);
  return 0;
}
