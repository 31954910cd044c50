import path from 'node:path';
import { displayPath } from '../config/project-root.ts';
import type { SuitePlan } from '../plan/build-plan.ts';
import { renderRunCommands } from '../plan/render-run.ts';
import type { PlannedRun, ProcessPlan, RunCommands } from '../plan/run-types.ts';
import { quoteArgv } from '../util/quote.ts';
import { overridesLayer } from '../plan/overrides.ts';
import { artifactDirName } from '../results/artifact-dir.ts';

// The artifact folder a run will get, with the start time left as a placeholder.
export function dryRunArtifactDir(artifactsRoot: string, run: PlannedRun): string {
  return path.join(artifactsRoot, artifactDirName(run, '<timestamp>'));
}

// Commands of a run as the dry run shows them.
export function planRunCommands(plan: SuitePlan, run: PlannedRun, artifactsRoot: string): RunCommands {
  return renderRunCommands(run, { rootDir: plan.suite.rootDir, artifactDir: dryRunArtifactDir(artifactsRoot, run) });
}

function describeProcess(p: ProcessPlan, root: string): string {
  const where = p.remote ? ` on ${[p.remote.host].flat().join(',')}:${p.remote.workdir}` : ` (cwd ${displayPath(p.cwd, root) || '.'})`;
  const ready = p.ready.kind === 'none' ? '' : `, ready: ${p.ready.kind === 'tcp' ? `tcp ${p.ready.host}:${p.ready.port}` : p.ready.kind === 'log' ? `log /${p.ready.pattern}/` : p.ready.kind === 'http' ? `http ${p.ready.url}` : `after ${p.ready.ms} ms`}`;
  return `${p.role.padEnd(10)} ${p.name}: ${quoteArgv(p.argv)}${where}${ready} → ${p.logFile}`;
}

// Human-readable dry run: every run with its fully resolved commands.
export function formatPlan(plan: SuitePlan, artifactsRoot: string): string {
  const root = plan.suite.rootDir;
  const out = [`Suite ${plan.name} (${plan.suite.displayFile}): ${plan.runs.length} runs, order ${plan.order}`];
  for (const w of plan.workloads) {
    const e = w.source.entry;
    out.push('', `${w.name}: ${w.runs.length} runs = ${e.modes.length} modes × ${w.space.variants.length} variants × ${e.repetitions} repetitions (${e.config})`);
    for (const run of w.runs) {
      const cmds = planRunCommands(plan, run, artifactsRoot);
      out.push(`  #${run.order} ${run.name}  id ${run.id}  timeout ${Math.round(run.timeoutMs / 1000)}s`);
      out.push(`     artifacts  ${displayPath(dryRunArtifactDir(artifactsRoot, run), root)}`);
      for (const p of [...cmds.servers, ...(cmds.observer ? [cmds.observer] : []), ...cmds.monitors, ...cmds.clients]) out.push(`     ${describeProcess(p, root)}`);
      if (cmds.agentConfig) out.push(`     agent config ${displayPath(cmds.agentConfig.file, root)} ← ${JSON.stringify(cmds.agentConfig.settings)}`);
    }
  }
  return out.join('\n');
}

// Machine-readable dry run (`--json`).
export function planToJson(plan: SuitePlan, artifactsRoot: string): unknown {
  return {
    suite: plan.name,
    descriptor: plan.suite.displayFile,
    order: plan.order,
    seed: plan.seed ?? null,
    command_line: overridesLayer(plan.overrides),
    run_count: plan.runs.length,
    runs: plan.runs.map((run) => ({
      id: run.id,
      base_id: run.baseId,
      name: run.name,
      workload: run.workload,
      mode: run.mode,
      variant: run.variant.label,
      params: run.variant.params,
      repetition: run.repetition,
      order: run.order,
      timeout_ms: run.timeoutMs,
      artifact_dir: dryRunArtifactDir(artifactsRoot, run),
      annotations: run.resolved.config.annotations,
      commands: planRunCommands(plan, run, artifactsRoot),
    })),
  };
}
