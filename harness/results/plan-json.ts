import path from 'node:path';
import type { PlannedRun, RunCommands } from '../plan/run-types.ts';
import type { CommandLineOverrides } from '../plan/overrides.ts';
import { overridesLayer } from '../plan/overrides.ts';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import type { Provenance } from './provenance.ts';
import { redactValue } from './redact.ts';

// plan.json (docs/analysis.md: Artifacts): what this run was meant to do — identity, overrides, resolved config, commands.
export function writePlanJson(artifactDir: string, run: PlannedRun, commands: RunCommands, opts: { provenance: Provenance; descriptor: string; session: { executionId: string; overrides: CommandLineOverrides }; mutation?: Record<string, unknown>; deployment?: Record<string, unknown>[] }): void {
  const entry = run.source.entry;
  // Values of secret-looking names and private key material never reach plan.json.
  writeJsonAtomic(path.join(artifactDir, 'plan.json'), redactValue({
    run: { id: run.id, name: run.name, suite: run.suite, workload: run.workload, mode: run.mode, variant: run.variant.label, params: run.variant.params, repetition: run.repetition, order: run.order, timeout_ms: run.timeoutMs, base_id: run.baseId, suite_execution_id: opts.session.executionId },
    descriptor: opts.descriptor,
    workload_config: entry.config,
    // The command line's layer of the merge (workload < suite < entry < variant < command line).
    command_line: overridesLayer(opts.session.overrides),
    overrides: entry.overrides,
    annotations: run.resolved.config.annotations,
    resolved: run.resolved.config,
    commands,
    mutation: opts.mutation ?? null,
    // deployment: per generator node, the bundle hash its remote clients ran (harness deploy).
    provenance: { ...opts.provenance, deployment: opts.deployment ?? [] },
  }));
}
