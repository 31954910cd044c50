// The summary and third-party load tools: closed-loop groups are flagged, missing load metrics are
// listed, and the CPU figures of failed runs are kept (marked) instead of dropped.
import { describe, expect, it } from 'vitest';
import { summarizeRuns } from '../../harness/report/summary.ts';
import type { RunRecord } from '../../harness/results/artifact-store.ts';
import { fakeRecord, type FakeRun } from '../helpers/run-records.ts';

// A record whose run had a load client (what a real run_result.json of a workload holds).
function withClient(r: FakeRun): RunRecord {
  const rec = fakeRecord(r);
  rec.result.commands = [{ role: 'client', name: 'bench', command: ['wrk'], command_line: 'wrk', host: 'local', cwd: '/', log: 'bench_client.log', pid: 1, started_at: null, duration_ms: 1, exit_code: 0, signal: null, timed_out: false, stopped_by_harness: false }];
  return rec;
}

describe('summary of runs measured by third-party tools', () => {
  it('lists the load metrics no passed run reported, and warns', () => {
    const s = summarizeRuns([0, 1].map((rep) => withClient({ mode: 'baseline', repetition: rep, metrics: { server_cpu_pct: 10 + rep } })), { suite: 'x', descriptor: 'x.yaml' });
    expect(s.groups[0]!.absent_metrics).toEqual(['throughput_rps', 'p50_us', 'p99_us']);
    expect(s.groups[0]!.warnings).toContain('absent metrics: throughput_rps, p50_us, p99_us: no passed run\'s clients reported them');
  });

  it('says nothing is absent when the runs have them, and flags closed-loop groups', () => {
    const s = summarizeRuns([0, 1].map((rep) => withClient({ mode: 'baseline', repetition: rep, metrics: { throughput_rps: 100, p50_us: 5, p99_us: 9, closed_loop: 1 } })), { suite: 'x', descriptor: 'x.yaml' });
    expect(s.groups[0]!.absent_metrics).toBeUndefined();
    expect(s.groups[0]!.metrics.closed_loop).toBeUndefined(); // a property of the run, not a performance figure
    expect(s.groups[0]!.warnings).toContainEqual(expect.stringMatching(/^2 of 2 runs measured in a closed loop: latency is under coordinated omission/));
  });

  it('keeps the CPU figures of failed runs, marked, out of the statistics', () => {
    const s = summarizeRuns(
      [withClient({ mode: 'baseline', repetition: 0, metrics: { throughput_rps: 100, p50_us: 5, p99_us: 9, server_cpu_us_per_req: 20 } }), withClient({ mode: 'baseline', repetition: 1, status: 'failed', metrics: { server_cpu_pct: 31, observer_cpu_pct: 2, completed: 0 } })],
      { suite: 'x', descriptor: 'x.yaml' },
    );
    const g = s.groups[0]!;
    expect(g.failed_runs_cpu).toEqual([{ repetition: 1, status: 'failed', artifact_dir: '/tmp/artifacts/kv_baseline_default_1', failed: true, metrics: { server_cpu_pct: 31, observer_cpu_pct: 2 } }]);
    expect(g.metrics.server_cpu_pct).toBeUndefined();
    expect(g.metrics.server_cpu_us_per_req!.values).toEqual([20]);
  });
});
