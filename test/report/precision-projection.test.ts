// A precision target that ended short of its width says what it would take: the summary's row carries
// the projected blocks and the seconds per block, and the suite warning states them. Synthetic runs of an
// A/A pair (true overhead 0, 14 % run noise) with their precision spec, as run_result.json records them.
import { describe, expect, it } from 'vitest';
import { PrecisionSchema } from '../../harness/config/schema/precision.ts';
import type { RunRecord } from '../../harness/results/artifact-store.ts';
import type { RunResult } from '../../harness/results/run-result-schema.ts';
import { summarizeRuns } from '../../harness/report/summary.ts';
import { runNoise } from '../../harness/stats/precision-simulation.ts';
import { fakeRecord } from '../helpers/run-records.ts';

const spec = PrecisionSchema.parse({ min_repetitions: 3, max_repetitions: 24, targets: [{ metric: 'server_cpu_us_per_req', of: 'overhead', half_width: 2, margin: 0 }] });

// `blocks` blocks of (baseline, microsentinel), 10 s per run, each run 30 µs × its noise.
function aaRuns(blocks: number): RunRecord[] {
  const draw = runNoise(42, { spread: 0.14, outlierRate: 0, outlierLow: 0, outlierHigh: 0 });
  const t0 = Date.parse('2026-12-06T10:00:00Z');
  const out: RunRecord[] = [];
  for (let rep = 0; rep < blocks; rep++) {
    for (const [i, mode] of ['baseline', 'microsentinel'].entries()) {
      const rec = fakeRecord({ mode, repetition: rep, metrics: { server_cpu_us_per_req: 30 * Math.exp(draw()), throughput_rps: 6000 } }, 'precise-aa');
      const start = t0 + (rep * 2 + i) * 10_000;
      rec.result.started_at = new Date(start).toISOString();
      rec.result.finished_at = new Date(start + 9_000).toISOString();
      rec.result.assessment = { checks: { precision: spec } } as unknown as RunResult['assessment'];
      out.push(rec);
    }
  }
  return out;
}

const meta = { suite: 'precise-aa', descriptor: 'experiments/configs/experiments/precise-aa.yaml' };

describe('a precision target that ended short of its width', () => {
  it('after 24 blocks: the row projects the blocks the target needs, and the warning says so with the time', () => {
    const s = summarizeRuns(aaRuns(24), meta);
    const row = s.precision!.find((r) => r.mode === 'microsentinel')!;
    expect(row.status).toBe('pending');
    expect(row.seconds_per_block).toBeCloseTo((24 * 20 - 1) / 24, 1); // first start to last end, ÷ blocks
    const p = row.blocks_for_target!;
    expect(p.low).toBe(Math.ceil(24 * (row.achieved_half_width! / 2) ** 2));
    expect(p.high).toBeGreaterThan(p.low);
    const warning = s.warnings.find((w) => w.startsWith('precision: kv/microsentinel'))!;
    expect(warning).toMatch(new RegExp(`at the noise so far ±2 pp needs about ${p.low.toLocaleString('en-US')}–${p.high.toLocaleString('en-US')} blocks in all \\(~[\\d.,]+ (min|h)–[\\d.,]+ h at 20 s per block\\); raise max_repetitions`));
  });

  it('before 20 blocks it projects nothing (the widths still carry the sequence start)', () => {
    const s = summarizeRuns(aaRuns(16), meta);
    const row = s.precision!.find((r) => r.mode === 'microsentinel')!;
    expect(row.status).toBe('pending');
    expect(row.blocks_for_target).toBeNull();
    expect(s.warnings.find((w) => w.startsWith('precision: kv/microsentinel'))).not.toContain('needs about');
  });
});
