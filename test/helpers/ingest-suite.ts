import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { toOpenMetrics } from '../../harness/instrumentation/openmetrics.ts';
import type { RunRecord } from '../../harness/results/artifact-store.ts';
import { fakeRecord } from './run-records.ts';
import type { PrecisionSpec } from '../../harness/config/schema/precision.ts';
import { ValiditySchema } from '../../harness/config/schema/suite.ts';

/** Latencies (µs) a fake run recorded: deterministic per mode and repetition. */
export function fakeLatencies(mode: string, rep: number): number[] {
  return Array.from({ length: 200 }, (_, i) => 50 + ((i * 37 + rep * 11) % 150) + (mode === 'baseline' ? 0 : 20) + (i % 50 === 0 ? 5000 : 0));
}

export function encodeLatencies(values: readonly number[]): string {
  const h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: false });
  for (const v of values) h.recordValue(v);
  const out = encodeIntoCompressedBase64(h);
  h.destroy();
  return out;
}

/**
 * A suite execution written to disk as the harness writes it: run_result.json with a generator
 * client (HDR histogram, per-second timeline), an observer dump under prometheus/, mpstat samples,
 * perf stat intervals and truth logs (kv perturbations, an nfv firewall document).
 */
// `levels`: variants injected_us=D (each D µs more p50, with a little deterministic noise).
export function writeFakeSuite(root: string, opts: { suiteExecutionId: string; modes?: string[]; reps?: number; startMs?: number; precision?: PrecisionSpec; levels?: number[] }): RunRecord[] {
  const modes = opts.modes ?? ['baseline', 'microsentinel'];
  const out: RunRecord[] = [];
  let t0 = opts.startMs ?? Date.parse('2026-11-28T10:00:00.000Z');
  for (let rep = 0; rep < (opts.reps ?? 3); rep++) {
    for (const level of opts.levels ?? [null]) {
    for (const mode of modes) {
      const rps = (mode === 'baseline' ? 1000 : 950) + rep;
      const p50 = level === null ? 120 : (120 + level) * (1 + 0.01 * Math.sin(rep * 1.7 + level));
      const variant = level === null ? 'default' : `injected_us=${level}`;
      const rec = fakeRecord({ mode, variant, repetition: rep, metrics: { throughput_rps: rps, p50_us: p50, p99_us: 900, errors: 0 } });
      const dir = path.join(root, `${opts.suiteExecutionId}_kv_${mode}_${level === null ? '' : `d${level}_`}r${rep}`);
      mkdirSync(path.join(dir, 'truth'), { recursive: true });
      const r = rec.result;
      r.run.id = `${opts.suiteExecutionId}-${mode}-${level === null ? '' : `d${level}-`}${rep}`;
      r.run.suite_execution_id = opts.suiteExecutionId;
      r.artifact_dir = dir;
      r.started_at = new Date(t0).toISOString();
      r.duration_ms = 4000 + 10 * rep;
      if (opts.precision) r.assessment = { checks: { validity: ValiditySchema.parse({}), expect: {}, precision: opts.precision }, baseline: null, overhead_pct: {}, problems: [], unchecked: [] };
      r.phases.load_start = new Date(t0 + 500).toISOString();
      r.phases.load_end = new Date(t0 + 3500).toISOString();
      r.commands = [
        {
          role: 'client', name: 'kv-gen', command: ['gen'], command_line: 'gen', host: 'local', cwd: dir, log: 'kv-gen_client.log', pid: 1, started_at: new Date(t0 + 500).toISOString(), duration_ms: 3000, exit_code: 0, signal: null, timed_out: false, stopped_by_harness: false,
          metrics_file: 'metrics/kv-gen.json',
          metrics: {
            started_at: new Date(t0 + 500).toISOString(),
            latency_us: { max: Math.max(...fakeLatencies(mode, rep)) },
            histogram: { encoding: 'hdr-base64', unit: 'us', data: encodeLatencies(fakeLatencies(mode, rep)), percentiles: [] },
            timeline: [0, 1, 2].map((s) => ({ t_s: s, offered: 1000, achieved: rps - s, errors: 0, p50_us: 120 + s, p99_us: 900 + s })),
          },
        },
      ];
      if (mode !== 'baseline') {
        // perf stat -I intervals count from when the observer started.
        r.commands.push({ role: 'observer', name: 'perf-stat', command: ['perf'], command_line: 'perf', host: 'local', cwd: dir, log: 'instrumentation_perf.log', pid: 2, started_at: new Date(t0 + 400).toISOString(), duration_ms: 3200, exit_code: 0, signal: null, timed_out: false, stopped_by_harness: true });
        r.instrumentation = { perf_stat: { file: 'perf_stat.csv', values: [1, 2].map((s) => ({ event: 'task-clock', value: 100 * s, unit: 'msec', supported: true, counted: true, enabled_pct: 100, metric: null, interval_s: s })) } };
        const scrapes = [0, 1, 2, 3].map((s) => ({ atMs: t0 + 500 + s * 1000, text: `# TYPE microsentinel_samples_total counter\nmicrosentinel_samples_total ${(s + 1) * 100}\n# TYPE microsentinel_target_cpu_seconds gauge\nmicrosentinel_target_cpu_seconds{pid="42"} ${s * 0.5}\n` }));
        const om = toOpenMetrics(scrapes);
        mkdirSync(path.join(dir, 'prometheus'));
        writeFileSync(path.join(dir, 'prometheus/observer.om.txt'), om.text);
        r.timeseries = { interval_ms: 1000, started_at: r.phases.load_start, stopped_at: r.phases.load_end, endpoints: [{ name: 'observer', url: 'http://127.0.0.1:9105/metrics', file: 'prometheus/observer.om.txt', scrapes: 4, failures: 0, first_error: null, series: om.series, samples: om.samples, first_at: r.phases.load_start, last_at: r.phases.load_end }] };
      }
      r.monitors = { mpstat: { status: 'ok', log: 'mpstat.log', samples: [1, 2, 3].map((s) => ({ t: new Date(t0 + 500 + s * 1000).toISOString(), cpu: 'all', usr: 10 * s, sys: 5, iowait: 0, idle: 85 - 10 * s, busy: 15 + 10 * s })) } };
      writeFileSync(path.join(dir, 'truth/kv_perturbations.jsonl'), [
        ...[1, 2, 3].map((s) => JSON.stringify({ type: 'perturbation', seq: s * 10, cmd: 'GET', key: `key:${s}`, delta_us: 200, t_us: (t0 + 600 + s * 900) * 1000 })),
        JSON.stringify({ type: 'summary', requests: 3000, perturbed: 3, recorded: 3, dropped_over_limit: 0, delta_us: 200 }),
        '{"type":"perturbation","seq":',
      ].join('\n'));
      writeFileSync(path.join(dir, 'truth/firewall.json'), JSON.stringify({ schema: 'harness.nfv-stage/v1', stage: 'firewall', received: 10, dropped: { deny: 2 }, decisions: [{ n: 1, t_us: (t0 + 700) * 1000, seq: 1, flow: 7, action: 'deny', rule: 0 }] }));
      writeFileSync(path.join(dir, 'run_result.json'), JSON.stringify(r));
      out.push({ dir, result: r });
      t0 += 5000;
    }
    }
  }
  return out;
}
