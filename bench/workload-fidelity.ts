// The generator's noise floor (issue 13 targets): the kv generator's latency against redis-server next
// to the wire (redis-benchmark -c 1, closed loop) and a minimal closed-loop Node client, measured in one
// run; ratios to the wire, because absolute latencies on a VM move ~10× with how idle it is.
import type { GeneratorMetrics } from '../experiments/workloads/lib/metrics.ts';
import { BEFORE_ROOT, QUICK, benchSeconds, closedLoopNode, redisBenchmark, stopProcess, type BenchProcesses, type GeneratorProbe, type Percentiles } from './workload-tools.ts';

/** GET-only, like redis-benchmark -t get: every key preloaded, 64-byte values. */
const KV_GET_ONLY = ['--read-ratio', '1', '--keys', '10000', '--value-size', '64'];
const WIRE_REQUESTS = QUICK ? 5_000 : 100_000;

interface LatencyRow extends Percentiles {
  name: string;
  sendLagP99?: number;
  note?: string;
}

export interface FidelityReport {
  lines: string[];
}

function fromMetrics(name: string, m: GeneratorMetrics | undefined): LatencyRow {
  if (!m) return { name, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, p999: Number.NaN, note: 'generator failed' };
  const l = m.latency_us;
  const note = `achieved ${m.achieved_rps} of ${m.offered_rps} req/s${m.saturated ? ', SATURATED' : ''}`;
  return { name, p50: l.p50, p90: l.p90, p99: l.p99, p999: l.p999, sendLagP99: m.schedule.send_lag_us.p99, note };
}

const x = (a: number, b: number): string => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(1)}×` : 'n/a');

function target(label: string, value: number, limit: number): string {
  if (!Number.isFinite(value)) return `  ${label}: n/a (limit ${limit}×)`;
  return `  ${label}: ${value.toFixed(2)}× (limit ${limit}×) ${value <= limit ? 'met' : `MISSED by ${(value / limit).toFixed(2)}×`}`;
}

// Measure wire, closed-loop Node client and the kv generator against one redis-server, idle and busy.
export async function measureFidelity(procs: BenchProcesses, probe: GeneratorProbe, redisPort: number): Promise<FidelityReport> {
  process.stderr.write('bench: fidelity: redis-benchmark -c 1, closed-loop Node client, kv generator at 2,000 and 20,000 req/s …\n');
  const wire = await redisBenchmark(redisPort, ['-c', '1', '-n', String(WIRE_REQUESTS)]);
  const nodeClient = await closedLoopNode(redisPort, WIRE_REQUESTS);
  const nodePaced = await closedLoopNode(redisPort, 10_000, 500);
  const g2k = await probe.probe('kv', redisPort, 2000, { durationS: benchSeconds(10), warmupS: benchSeconds(1), extra: KV_GET_ONLY });
  // The older checkout's generator right after ours at each rate: before/after from one run.
  const b2k = BEFORE_ROOT ? await probe.probe('kv', redisPort, 2000, { durationS: benchSeconds(10), warmupS: benchSeconds(1), extra: KV_GET_ONLY, root: BEFORE_ROOT }) : undefined;
  const g20k = await probe.probe('kv', redisPort, 20_000, { durationS: benchSeconds(5), warmupS: benchSeconds(1), extra: KV_GET_ONLY });
  const b20k = BEFORE_ROOT ? await probe.probe('kv', redisPort, 20_000, { durationS: benchSeconds(5), warmupS: benchSeconds(1), extra: KV_GET_ONLY, root: BEFORE_ROOT }) : undefined;
  const g2kRt = await probe.probe('kv', redisPort, 2000, { durationS: benchSeconds(10), warmupS: benchSeconds(1), extra: [...KV_GET_ONLY, '--realtime'] });
  const g2kPoll = await probe.probe('kv', redisPort, 2000, { durationS: benchSeconds(10), warmupS: benchSeconds(1), extra: [...KV_GET_ONLY, '--send-mode', 'busy-poll'] });
  const g20kRt = await probe.probe('kv', redisPort, 20_000, { durationS: benchSeconds(5), warmupS: benchSeconds(1), extra: [...KV_GET_ONLY, '--realtime'] });

  process.stderr.write('bench: fidelity: the same with two CPU-bound processes (yes > /dev/null) beside it …\n');
  const hogs = procs.startCpuHogs(2);
  let wireBusy;
  let g2kBusy;
  let b2kBusy;
  let g2kBusyRt;
  try {
    wireBusy = await redisBenchmark(redisPort, ['-c', '1', '-n', String(WIRE_REQUESTS)]);
    g2kBusy = await probe.probe('kv', redisPort, 2000, { durationS: benchSeconds(10), warmupS: benchSeconds(1), extra: KV_GET_ONLY });
    if (BEFORE_ROOT) b2kBusy = await probe.probe('kv', redisPort, 2000, { durationS: benchSeconds(10), warmupS: benchSeconds(1), extra: KV_GET_ONLY, root: BEFORE_ROOT });
    g2kBusyRt = await probe.probe('kv', redisPort, 2000, { durationS: benchSeconds(10), warmupS: benchSeconds(1), extra: [...KV_GET_ONLY, '--realtime'] });
  } finally {
    for (const h of hogs) await stopProcess(h);
  }

  const gen2k = fromMetrics('kv generator, 2,000 req/s Poisson, 4 connections', g2k);
  const gen20k = fromMetrics('kv generator, 20,000 req/s Poisson, 4 connections', g20k);
  const gen2kRt = fromMetrics('kv generator, 2,000 req/s, --realtime (SCHED_FIFO)', g2kRt);
  const gen20kRt = fromMetrics('kv generator, 20,000 req/s, --realtime', g20kRt);
  const gen2kPoll = fromMetrics('kv generator, 2,000 req/s, --send-mode busy-poll', g2kPoll);
  const busy2k = fromMetrics('busy: kv generator, 2,000 req/s', g2kBusy);
  const busy2kRt = fromMetrics('busy: kv generator, 2,000 req/s, --realtime', g2kBusyRt);
  const paced: LatencyRow = { name: 'same client, asleep 500 µs before each GET (paced)', ...nodePaced };
  const before = BEFORE_ROOT
    ? [fromMetrics('before: kv generator, 2,000 req/s', b2k), fromMetrics('before: kv generator, 20,000 req/s', b20k)]
    : [];
  const busyBefore = BEFORE_ROOT ? [fromMetrics('busy: before: kv generator, 2,000 req/s', b2kBusy)] : [];
  const rows: LatencyRow[] = [
    { name: 'redis-benchmark -c 1 -t get (closed loop, the wire)', ...wire },
    { name: 'minimal Node client, 1 connection (closed loop)', ...nodeClient },
    paced,
    gen2k,
    gen20k,
    ...before,
    gen2kRt,
    gen20kRt,
    gen2kPoll,
    { name: 'busy: redis-benchmark -c 1 -t get', ...wireBusy },
    busy2k,
    ...busyBefore,
    busy2kRt,
  ];
  const w = Math.max(...rows.map((r) => r.name.length));
  const num = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : String(Math.round(n))).padStart(8);
  const ref = (r: LatencyRow): Percentiles => (r.name.startsWith('busy') ? wireBusy : wire);
  const lines = [
    `generator noise floor against redis-server on loopback (µs; ratios to the wire measured in the same conditions)`,
    `${'what'.padEnd(w)}  ${['p50', 'p90', 'p99', 'p99.9', 'lag p99'].map((h) => h.padStart(8)).join('')}  ${'p99/wire'.padStart(9)} ${'p99.9/wire'.padStart(10)}`,
    ...rows.map((r) => `${r.name.padEnd(w)}  ${num(r.p50)}${num(r.p90)}${num(r.p99)}${num(r.p999)}${num(r.sendLagP99)}  ${x(r.p99, ref(r).p99).padStart(9)} ${x(r.p999, ref(r).p999).padStart(10)}${r.note ? `  (${r.note})` : ''}`),
    'targets (issue 13):',
    target('2,000 req/s p99 / wire p99', gen2k.p99 / wire.p99, 2),
    target('2,000 req/s p99.9 / wire p99.9', gen2k.p999 / wire.p999, 3),
    target('20,000 req/s p99 / wire p99', gen20k.p99 / wire.p99, 3),
    target('2,000 req/s send lag p99 / wire p99', (gen2k.sendLagP99 ?? Number.NaN) / wire.p99, 0.2),
    target('2,000 req/s --realtime: p99 / wire p99', gen2kRt.p99 / wire.p99, 2),
    target('2,000 req/s --realtime: p99.9 / wire p99.9', gen2kRt.p999 / wire.p999, 3),
    target('20,000 req/s --realtime: p99 / wire p99', gen20kRt.p99 / wire.p99, 3),
    target('2,000 req/s --realtime: send lag p99 / wire p99', (gen2kRt.sendLagP99 ?? Number.NaN) / wire.p99, 0.2),
    target('busy: 2,000 req/s p99 / busy wire p99', busy2k.p99 / wireBusy.p99, 4),
    target('busy: 2,000 req/s --realtime: p99 / busy wire p99', busy2kRt.p99 / wireBusy.p99, 4),
    ...(BEFORE_ROOT
      ? [`  before → after (${BEFORE_ROOT}), p99 / p99.9 µs: 2,000 req/s ${before[0]!.p99} / ${before[0]!.p999} → ${gen2k.p99} / ${gen2k.p999}; 20,000 req/s ${before[1]!.p99} / ${before[1]!.p999} → ${gen20k.p99} / ${gen20k.p999}; busy 2,000 req/s ${busyBefore[0]!.p99} / ${busyBefore[0]!.p999} → ${busy2k.p99} / ${busy2k.p999}`]
      : []),
    'target (issue 25):',
    target('2,000 req/s p99 / paced client p99 (default mode)', gen2k.p99 / paced.p99, 2),
    `  2,000 req/s p99 / paced client p99, --send-mode busy-poll: ${x(gen2kPoll.p99, paced.p99)}`,
    `  for reference, 2,000 req/s p99 / paced client p99 (the same 500 µs of idleness before each request): ${x(gen2k.p99, paced.p99)}, --realtime ${x(gen2kRt.p99, paced.p99)}`,
    `  (redis-benchmark: p50 and p99 from its summary; p90 and p99.9 are the first percentile it lists at or above them.`,
    `   The wire is closed loop: a stall of the machine delays its one request in flight, while an open-loop generator`,
    `   counts every request scheduled during the stall (coordinated omission), so on a busy machine the ratios also`,
    `   measure the machine's stalls, not only the generator.)`,
  ];
  return { lines };
}
