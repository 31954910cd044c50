import { paramsOfLabel } from '../../helpers/run-records.ts';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../../../harness/results/artifact-store.ts';
import { summarizeRuns, type SuiteSummary } from '../../../harness/report/summary.ts';
import { RunResultSchema, type RunResult } from '../../../harness/results/run-result-schema.ts';

/** One synthetic run; metrics follow from throughput and latency, the histogram from p50/p99. */
export interface FixtureRun {
  workload?: string;
  mode: string;
  variant?: string;
  repetition: number;
  status?: 'passed' | 'failed' | 'interrupted';
  throughput?: number;
  p50?: number;
  p99?: number;
  /** Write `histogram.percentiles` into the client's metrics. @default true for passed runs */
  histogram?: boolean;
  /** @default `${workload}/${mode}/${variant}/${repetition}` */
  name?: string;
  error?: string;
  order?: number;
}

// The generators' CDF points (experiments/workloads/lib/latency-recorder.ts).
const CDF_PERCENTILES = [0, 1, 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9, 99.95, 99.99, 99.999, 100];

// A log-logistic latency distribution through the given p50 and p99, sampled at the generators' percentiles.
export function latencyPercentiles(p50: number, p99: number): { percentile: number; value_us: number }[] {
  const k = Math.log(p99 / p50) / Math.log(99);
  return CDF_PERCENTILES.map((percentile) => {
    const p = Math.min(Math.max(percentile, 0.05), 99.995) / 100;
    return { percentile, value_us: Math.round(p50 * (p / (1 - p)) ** k) };
  });
}

const safeDir = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_');

// A run_result.json as the recorder writes it (validated against the schema), with a client and a server command.
export function buildRunResult(r: FixtureRun, artifactDir: string): RunResult {
  const workload = r.workload ?? 'kv';
  const variant = r.variant ?? 'default';
  const status = r.status ?? 'passed';
  const name = r.name ?? `${workload}/${r.mode}/${variant}/${r.repetition}`;
  const [rps, p50, p99] = [r.throughput ?? 50_000, r.p50 ?? 200, r.p99 ?? 1500];
  const passed = status === 'passed';
  const clientMetrics = passed
    ? { achieved_rps: rps, latency_us: { p50, p99 }, ...((r.histogram ?? true) ? { histogram: { encoding: 'hdr-base64', unit: 'us', data: '', percentiles: latencyPercentiles(p50, p99) } } : {}) }
    : null;
  const command = (role: 'server' | 'client', cmdName: string, metrics: unknown) => ({
    role, name: cmdName, command: [cmdName], command_line: cmdName, host: 'local', cwd: artifactDir, log: `${safeDir(cmdName)}_${role}.log`,
    pid: 1234, started_at: '2026-11-28T10:00:00.000Z', duration_ms: 2000, exit_code: passed ? 0 : 1, signal: null, timed_out: false, stopped_by_harness: role === 'server', metrics,
  });
  return RunResultSchema.parse({
    schema_version: 2,
    run: { id: safeDir(name).slice(0, 12), name, suite: 'report-fixture', descriptor: 'experiments/configs/experiments/report-fixture.yaml', workload, mode: r.mode, variant, params: paramsOfLabel(variant), repetition: r.repetition, order: r.order ?? 0 },
    status,
    error: passed ? null : { message: r.error ?? `Server kv exited with code 1 while the clients were running\nsecond line of the error`, kind: 'process', reason: 'ServerExitedError: unexpected-exit', command: workload, log: `${safeDir(workload)}_server.log`, log_tail: 'boom' },
    artifact_dir: artifactDir,
    started_at: '2026-11-28T10:00:00.000Z',
    finished_at: '2026-11-28T10:00:02.000Z',
    duration_ms: 2000 + r.repetition,
    phases: { run_start: null, servers_ready: null, observer_ready: null, load_start: null, load_end: null, teardown_start: null, teardown_end: null },
    commands: [command('server', workload, null), command('client', `${workload}-gen`, clientMetrics)],
    key_metrics: passed ? { throughput_rps: rps, offered_rps: rps, completed: rps * 10, errors: 0, timeouts: 0, saturated: 0, p50_us: p50, p99_us: p99 } : {},
    assessment: null,
    mutation: null,
    instrumentation: {},
    monitors: {},
    remote_fetch: [],
    remote_hosts: [],
    annotations: {},
    warnings: [],
  });
}

// A run's record and, on disk under `root`, its folder with run_result.json and the commands' logs (so links resolve).
export function writeFixtureRecord(root: string, r: FixtureRun): RunRecord {
  const probe = buildRunResult(r, root);
  const dir = path.join(root, 'artifacts', `${String(r.order ?? 0).padStart(3, '0')} ${safeDir(probe.run.name)}`);
  const result = buildRunResult(r, dir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'run_result.json'), `${JSON.stringify(result, null, 2)}\n`);
  for (const c of result.commands) writeFileSync(path.join(dir, c.log), `${c.name} log\n`);
  return { dir, result };
}

export interface SuiteFixtureOptions {
  workload?: string;
  /** @default ['baseline', 'perf-stat', 'microsentinel'] */
  modes?: string[];
  /** @default 5 */
  repetitions?: number;
  /** @default ['default'] */
  variants?: string[];
  /** Change a generated run, or return null to leave it out. */
  tweak?: (run: FixtureRun) => FixtureRun | null;
}

const MODE_COST: Record<string, number> = { baseline: 1, 'perf-stat': 1.03, microsentinel: 1.08 };

// Interleaved repetitions of every mode × variant, with a fixed cost per mode and a little seeded noise.
export function buildSuiteRecords(root: string, opts: SuiteFixtureOptions = {}): RunRecord[] {
  const modes = opts.modes ?? ['baseline', 'perf-stat', 'microsentinel'];
  const variants = opts.variants ?? ['default'];
  const out: RunRecord[] = [];
  let order = 0;
  for (let rep = 0; rep < (opts.repetitions ?? 5); rep++) {
    for (const [vi, variant] of variants.entries()) {
      for (const [mi, mode] of modes.entries()) {
        const cost = MODE_COST[mode] ?? 1 + 0.05 * (mi + 1);
        const noise = 1 + 0.012 * Math.sin(7 * rep + 3 * mi + vi);
        const base: FixtureRun = { workload: opts.workload, mode, variant, repetition: rep, order: order++, throughput: Math.round((60_000 - 8_000 * vi) / cost * noise), p50: Math.round(180 * (1 + 0.3 * vi) * cost * noise), p99: Math.round(1400 * (1 + 0.3 * vi) * cost ** 2 * noise) };
        const run = opts.tweak ? opts.tweak(base) : base;
        if (run) out.push(writeFixtureRecord(root, run));
      }
    }
  }
  return out;
}

export const summarizeFixture = (records: readonly RunRecord[]): SuiteSummary => summarizeRuns(records, { suite: 'report-fixture', descriptor: 'experiments/configs/experiments/report-fixture.yaml' });

export const makeTempDir = (prefix = 'html-report-'): string => mkdtempSync(path.join(os.tmpdir(), prefix));
