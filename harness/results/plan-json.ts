import path from 'node:path';
import type { PlannedRun, RunCommands } from '../plan/run-types.ts';
import type { RunOptions } from '../plan/resolve-config.ts';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import { collectProvenance } from './provenance.ts';
import { HARNESS_VERSION } from '../config/version.ts';
import { redactValue } from './redact.ts';
import { currentSuiteExecutionId } from './suite-execution.ts';

// plan.json (docs/analysis.md: Artifacts): what this run was meant to do — identity, overrides, resolved config, commands.
export function writePlanJson(artifactDir: string, run: PlannedRun, commands: RunCommands, opts: { rootDir: string; descriptor: string; options: RunOptions; mutation?: Record<string, unknown>; deployment?: Record<string, unknown>[] }): void {
  const entry = run.source.entry;
  // Values of secret-looking names and private key material never reach plan.json.
  writeJsonAtomic(path.join(artifactDir, 'plan.json'), redactValue({
    run: { id: run.id, name: run.name, suite: run.suite, workload: run.workload, mode: run.mode, variant: run.variant.label, params: run.variant.params, repetition: run.repetition, order: run.order, timeout_ms: run.timeoutMs, suite_execution_id: currentSuiteExecutionId() ?? null },
    descriptor: opts.descriptor,
    workload_config: entry.config,
    options: opts.options,
    overrides: entry.overrides,
    annotations: run.resolved.config.annotations,
    resolved: run.resolved.config,
    commands,
    mutation: opts.mutation ?? null,
    // deployment: per generator node, the bundle hash its remote clients ran (harness deploy).
    provenance: { ...collectProvenance(opts.rootDir, HARNESS_VERSION), deployment: opts.deployment ?? [] },
  }));
}
