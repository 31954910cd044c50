import path from 'node:path';
import type { ProcessPlan } from '../plan/run-types.ts';
import type { CommandOutcome } from '../process/index.ts';
import { quoteArgv } from '../util/quote.ts';
import type { CommandRecord } from '../results/run-result-schema.ts';
import { readMetricsForRecord } from '../results/generator-metrics-reader.ts';

/** A started process as a record needs it (local or remote); its outcome's startedAt is '' when it never started. */
export interface RecordedProcess {
  readonly pid: number | undefined;
  outcome(): CommandOutcome;
}

// One process of the run for run_result.json `commands`: its plan, outcome (none if it never
// started) and, for clients, the metrics JSON it wrote.
export function commandRecord(p: ProcessPlan, artifactDir: string, proc?: RecordedProcess): CommandRecord {
  const o = proc?.outcome();
  const metrics = p.metricsFile ? readMetricsForRecord(p.metricsFile) : undefined;
  return {
    role: p.role,
    name: p.name,
    command: p.argv,
    command_line: quoteArgv(p.argv),
    host: p.remote ? [p.remote.host].flat().join(',') : 'local',
    cwd: p.cwd,
    log: p.logFile,
    pid: proc?.pid ?? null,
    started_at: o?.startedAt || null,
    duration_ms: o?.startedAt ? o.durationMs : null,
    exit_code: o?.exitCode ?? null,
    signal: o?.signal ?? null,
    timed_out: o?.timedOut ?? false,
    stopped_by_harness: o?.killed ?? false,
    ...(p.metricsFile ? { metrics_file: path.relative(artifactDir, p.metricsFile), metrics: metrics?.value ?? null, metrics_error: metrics?.error ?? null } : {}),
  };
}
