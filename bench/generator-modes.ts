// The kv generator's send modes against the paced closed-loop client, interleaved in one run (issue 25:
// p99 at 2,000 req/s ≤ 2× the paced client's p99 in the default mode). The paced client sleeps 500 µs
// before each GET, so it pays the same wake-up penalty as an open-loop send; rounds alternate
// reference and modes so a change in the machine's load hits them alike.
import os from 'node:os';
import type { GeneratorMetrics } from '../experiments/workloads/lib/metrics.ts';
import { QUICK, benchSeconds, closedLoopNode, type GeneratorProbe, type PacedPercentiles } from './workload-tools.ts';

const KV_GET_ONLY = ['--read-ratio', '1', '--keys', '10000', '--value-size', '64', '--calibrate-s', '0.5'];
/**
 * The modes measured: [label, node flags, extra generator flags]. The first is the default, as the catalog
 * starts it; `parallel GC` is the same generator under V8's default GC threads (the before of
 * `--single-threaded-gc`, docs/measurement-floor.md).
 */
const MODES: [string, string[], string[]][] = [
  ['sleep (default)', ['--single-threaded-gc'], ['--send-mode', 'sleep']],
  ['sleep, parallel GC', [], ['--send-mode', 'sleep']],
  ['busy-poll', ['--single-threaded-gc'], ['--send-mode', 'busy-poll']],
];
const ROUNDS = Number(process.env.BENCH_MODE_ROUNDS ?? (QUICK ? 1 : 3));

interface ModeRow {
  round: number;
  load: number;
  paced: PacedPercentiles;
  modes: { label: string; m: GeneratorMetrics | undefined }[];
}

const fmt = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : String(Math.round(n)));
const ratio = (a: number | undefined, b: number): string => (a !== undefined && b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(1)}×` : 'n/a');
const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// Rounds of: paced client (5,000 GETs), then each mode at 2,000 req/s for 10 s, against one redis-server.
export async function measureModes(probe: GeneratorProbe, redisPort: number): Promise<string[]> {
  const rows: ModeRow[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    process.stderr.write(`bench: modes: round ${round}/${ROUNDS} (paced client, ${MODES.map(([l]) => l).join(', ')}) …\n`);
    const paced = await closedLoopNode(redisPort, QUICK ? 1000 : 5000, 500);
    const modes = [];
    for (const [label, nodeFlags, extra] of MODES) modes.push({ label, m: await probe.probe('kv', redisPort, 2000, { durationS: benchSeconds(10), warmupS: benchSeconds(1), nodeFlags, extra: [...KV_GET_ONLY, ...extra] }) });
    rows.push({ round, load: os.loadavg()[0]!, paced, modes });
  }
  const lines = [
    'generator send modes at 2,000 req/s vs the paced closed-loop client (asleep 500 µs before each GET), interleaved rounds (µs)',
    'round  load1  paced p50/p99/p99.9 (from write; p99 from when due) | mode: p50 / p99 / p99.9, send lag p99, floor p99 / p99.9, calibration p99, p99 ÷ paced p99 (÷ paced p99 from when due)',
  ];
  for (const r of rows) {
    lines.push(`${String(r.round).padStart(5)}  ${r.load.toFixed(2).padStart(5)}  ${fmt(r.paced.p50)}/${fmt(r.paced.p99)}/${fmt(r.paced.p999)}; from when due p99 ${fmt(r.paced.from_intended?.p99)}`);
    for (const { label, m } of r.modes) {
      if (!m) {
        lines.push(`         ${label}: generator failed`);
        continue;
      }
      const l = m.latency_us;
      lines.push(`         ${label}: ${l.p50} / ${l.p99} / ${l.p999}, lag p99 ${m.schedule.send_lag_us.p99}, floor ${fmt(m.floor?.floor_us.p99)} / ${fmt(m.floor?.floor_us.p999)}, calibration p99 ${fmt(m.floor?.calibration?.latency_us.p99)}, ${ratio(l.p99, r.paced.p99)} (${ratio(l.p99, r.paced.from_intended?.p99 ?? Number.NaN)})${m.saturated ? ' SATURATED' : ''}`);
    }
  }
  for (const [label] of MODES) {
    const ratios = (ref: (r: ModeRow) => number | undefined): number =>
      median(
        rows.map((r) => {
          const m = r.modes.find((x) => x.label === label)?.m;
          const d = ref(r);
          return m && d !== undefined && d > 0 ? m.latency_us.p99 / d : Number.NaN;
        }),
      );
    const med = ratios((r) => r.paced.p99);
    const due = ratios((r) => r.paced.from_intended?.p99);
    const target = label === MODES[0]![0] ? ` (target ≤ 2×: ${med <= 2 ? 'met' : `MISSED by ${(med / 2).toFixed(1)}×`})` : '';
    const x = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(1)}×` : 'n/a');
    lines.push(`  ${label}: median p99 ÷ paced p99 over ${rows.length} rounds ${x(med)}${target}; ÷ the paced client's p99 from when due ${x(due)}`);
  }
  return lines;
}
