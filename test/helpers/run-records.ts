import type { RunRecord } from '../../harness/results/artifact-store.ts';
import type { RunResult } from '../../harness/results/run-result-schema.ts';

export interface FakeRun {
  workload?: string;
  mode: string;
  variant?: string;
  repetition: number;
  status?: 'passed' | 'failed';
  metrics: Record<string, number>;
  error?: string;
}

// A variant's parameters from its label, as the planner writes both (`injected_us=5,mutation=base`).
export function paramsOfLabel(variant: string): Record<string, string | number> {
  if (variant === 'default') return {};
  return Object.fromEntries(
    variant.split(',').map((seg) => {
      const [k, v = ''] = seg.split('=', 2) as [string, string?];
      return [k, v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v];
    }),
  );
}

// A run_result.json as the recorder writes it, for reporter and statistics tests.
export function fakeRecord(r: FakeRun, suite = 'overhead'): RunRecord {
  const workload = r.workload ?? 'kv';
  const variant = r.variant ?? 'default';
  const name = `${workload}/${r.mode}/${variant}/${r.repetition}`;
  const status = r.status ?? 'passed';
  const result: RunResult = {
    schema_version: 2,
    run: { id: `${r.mode}${r.repetition}`.padEnd(12, '0'), name, suite, descriptor: `experiments/configs/experiments/${suite}.yaml`, workload, mode: r.mode, variant, params: paramsOfLabel(variant), repetition: r.repetition, order: 0 },
    status,
    error: status === 'failed' ? { message: r.error ?? 'Server kv exited with code 1 while the clients were running', kind: 'process', reason: 'ServerExitedError: unexpected-exit', command: 'node server.ts', log: 'kv_server.log', log_tail: 'boom' } : null,
    artifact_dir: `/tmp/artifacts/${name.replace(/\//g, '_')}`,
    containment: null,
    timeseries: null,
    started_at: '2026-11-28T10:00:00.000Z',
    finished_at: '2026-11-28T10:00:02.000Z',
    duration_ms: 2000,
    phases: { run_start: null, servers_ready: null, observer_ready: null, load_start: null, load_end: null, teardown_start: null, teardown_end: null },
    commands: [],
    key_metrics: r.metrics,
    assessment: null,
    mutation: null,
    instrumentation: {},
    monitors: {},
    remote_fetch: [],
    remote_hosts: [],
    cpu: null,
    rate_search: null,
    latency: null,
    annotations: {},
    warnings: [],
  };
  return { dir: result.artifact_dir, result };
}

// Interleaved repetitions of several modes; `value(mode, rep)` gives throughput, latency follows.
export function fakeSuite(modes: string[], reps: number, value: (mode: string, rep: number) => number, workload = 'kv'): RunRecord[] {
  const out: RunRecord[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const mode of modes) {
      const rps = value(mode, rep);
      out.push(fakeRecord({ workload, mode, repetition: rep, metrics: { throughput_rps: rps, p50_us: 1e6 / rps, p99_us: 4e6 / rps, errors: 0 } }));
    }
  }
  return out;
}
