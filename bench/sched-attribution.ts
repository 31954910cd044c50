// Where a generator's late sends come from: its per-send trace (`--trace-sends`) beside a scheduler
// trace (`perf sched timehist` of a `perf sched record -k CLOCK_MONOTONIC`). For each late send, the
// generator's main thread between the send's intended time and the moment it left was either asleep
// (the wake-up came late), runnable but waiting for a CPU (and who ran instead), or running (a garbage
// collection, or the generator's own JavaScript). Pure functions: bench/send-lag-causes.ts drives them.

/** One line of `perf sched timehist`: `task` ran `runMs` until `atMs` (CLOCK_MONOTONIC ms), after waiting `schDelayMs` runnable and `waitMs` asleep. */
export interface SwitchRow {
  atMs: number;
  cpu: number;
  comm: string;
  tid: number;
  pid: number;
  waitMs: number;
  schDelayMs: number;
  runMs: number;
}

export interface TraceSend {
  at_ms: number;
  lag_us: number;
  via: string;
  inflight: number;
}

export interface TraceGc {
  gc_at_ms: number;
  gc_ms: number;
  gc_kind: string;
}

export interface SendTraceFile {
  pid: number;
  /** Node's and V8's helper threads (GC, compiler, libuv) and threads started for the run (the alarm thread). */
  helperThreads: number[];
  runThreads: number[];
  measureStartMonoMs: number;
  sends: TraceSend[];
  gcs: TraceGc[];
}

/**
 * `running: JS or host`: the guest saw the main thread on a CPU for most of the window, outside any GC:
 * the generator's own JavaScript, or the hypervisor running something else on that virtual CPU (a guest
 * cannot tell the two apart without steal-time accounting).
 */
export type Cause = 'asleep, nothing else ran' | 'asleep, others ran' | 'waiting for a CPU' | 'running: GC' | 'running: JS or host' | 'no scheduler data';
export const CAUSES: readonly Cause[] = ['asleep, nothing else ran', 'asleep, others ran', 'waiting for a CPU', 'running: GC', 'running: JS or host', 'no scheduler data'];

export interface LateSend {
  send: TraceSend;
  cause: Cause;
  /** Main thread's time asleep / runnable / running within [intended, sent], ms. */
  asleepMs: number;
  runnableMs: number;
  runningMs: number;
  /** Other tasks that ran during the window, ms each (the generator's other threads as `generator:<tid>`). */
  others: Map<string, number>;
}

/** Parse `perf sched timehist` output (the default columns); lines that are not switch rows are skipped. */
export function parseTimehist(text: string): SwitchRow[] {
  const rows: SwitchRow[] = [];
  const re = /^\s*(\d+\.\d+)\s+\[(\d+)\]\s+(.+?)\[(\d+)(?:\/(\d+))?\]\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s*$/;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    rows.push({ atMs: Number(m[1]) * 1000, cpu: Number(m[2]), comm: m[3]!.trim(), tid: Number(m[4]), pid: Number(m[5] ?? m[4]), waitMs: Number(m[6]), schDelayMs: Number(m[7]), runMs: Number(m[8]) });
  }
  return rows;
}

/** Parse a `--trace-sends` file (send-trace/1). */
export function parseSendTrace(text: string): SendTraceFile {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = JSON.parse(lines[0] ?? '{}') as { format?: string; pid?: number; measure_start_mono_ms?: number; helper_threads?: number[]; run_threads?: number[] };
  if (header.format !== 'send-trace/1' || typeof header.pid !== 'number' || typeof header.measure_start_mono_ms !== 'number') {
    throw new Error(`not a send trace (send-trace/1): first line ${JSON.stringify((lines[0] ?? '').slice(0, 120))}`);
  }
  const sends: TraceSend[] = [];
  const gcs: TraceGc[] = [];
  for (const line of lines.slice(1)) {
    const r = JSON.parse(line) as Partial<TraceSend & TraceGc>;
    if (typeof r.at_ms === 'number') sends.push(r as TraceSend);
    else if (typeof r.gc_at_ms === 'number') gcs.push(r as TraceGc);
  }
  return { pid: header.pid, helperThreads: header.helper_threads ?? [], runThreads: header.run_threads ?? [], measureStartMonoMs: header.measure_start_mono_ms, sends, gcs };
}

type State = 'asleep' | 'runnable' | 'running';

/** Classify every send later than `thresholdUs`. */
export function attributeLateSends(trace: SendTraceFile, rows: SwitchRow[], thresholdUs: number, knownPids: ReadonlyMap<number, string> = new Map()): LateSend[] {
  const main: [number, number, State][] = [];
  const others: SwitchRow[] = [];
  for (const r of rows) {
    if (r.tid === trace.pid) {
      const runStart = r.atMs - r.runMs;
      main.push([runStart - r.schDelayMs - r.waitMs, runStart - r.schDelayMs, 'asleep'], [runStart - r.schDelayMs, runStart, 'runnable'], [runStart, r.atMs, 'running']);
    } else if (r.tid !== 0 && r.comm !== '<idle>') others.push(r);
  }
  const first = rows.length > 0 ? rows[0]!.atMs : Infinity;
  const last = rows.length > 0 ? rows[rows.length - 1]!.atMs : -Infinity;
  const out: LateSend[] = [];
  for (const send of trace.sends) {
    if (send.lag_us <= thresholdUs) continue;
    const sentAt = trace.measureStartMonoMs + send.at_ms;
    const intended = sentAt - send.lag_us / 1000;
    const late: LateSend = { send, cause: 'no scheduler data', asleepMs: 0, runnableMs: 0, runningMs: 0, others: new Map() };
    out.push(late);
    if (intended < first || sentAt > last) continue;
    for (const [a, b, state] of main) {
      const o = Math.min(b, sentAt) - Math.max(a, intended);
      if (o <= 0) continue;
      if (state === 'asleep') late.asleepMs += o;
      else if (state === 'runnable') late.runnableMs += o;
      else late.runningMs += o;
    }
    for (const r of others) {
      const o = Math.min(r.atMs, sentAt) - Math.max(r.atMs - r.runMs, intended);
      if (o <= 0) continue;
      const name = taskName(r, trace, knownPids);
      late.others.set(name, (late.others.get(name) ?? 0) + o);
    }
    late.cause = classify(late, trace.gcs, trace.measureStartMonoMs, intended, sentAt);
  }
  return out;
}

// Who a task is, for the reader: the generator's own threads by role, other processes by name and pid.
function taskName(r: SwitchRow, trace: SendTraceFile, knownPids: ReadonlyMap<number, string>): string {
  if (r.pid !== trace.pid) return `${knownPids.get(r.pid) ?? r.comm} (pid ${r.pid})`;
  if (trace.runThreads.includes(r.tid)) return 'generator: alarm thread';
  if (trace.helperThreads.includes(r.tid)) return 'generator: V8/Node helper threads';
  return 'generator: other threads';
}

function classify(l: LateSend, gcs: TraceGc[], startMono: number, intended: number, sentAt: number): Cause {
  const total = l.asleepMs + l.runnableMs + l.runningMs;
  if (total <= 0) return 'no scheduler data';
  if (l.runningMs >= l.asleepMs && l.runningMs >= l.runnableMs) {
    let gcMs = 0;
    for (const g of gcs) gcMs += Math.max(0, Math.min(startMono + g.gc_at_ms + g.gc_ms, sentAt) - Math.max(startMono + g.gc_at_ms, intended));
    return gcMs >= l.runningMs / 2 ? 'running: GC' : 'running: JS or host';
  }
  if (l.runnableMs >= l.asleepMs) return 'waiting for a CPU';
  // Asleep: did anything else run meanwhile (a CPU the generator could have had), or was the guest idle?
  let othersMs = 0;
  for (const ms of l.others.values()) othersMs += ms;
  return othersMs >= l.asleepMs / 4 ? 'asleep, others ran' : 'asleep, nothing else ran';
}

/** Late sends per cause, with the lag each cause accounts for and the tasks that ran most in those windows. */
export function summarize(late: LateSend[], totalSends: number): string[] {
  const lines: string[] = [];
  const pct = (n: number): string => `${((100 * n) / Math.max(1, totalSends)).toFixed(2)} %`;
  for (const cause of CAUSES) {
    const these = late.filter((l) => l.cause === cause);
    if (these.length === 0) continue;
    const lagMs = these.reduce((a, l) => a + l.send.lag_us / 1000, 0);
    const who = new Map<string, number>();
    for (const l of these) for (const [k, v] of l.others) who.set(k, (who.get(k) ?? 0) + v);
    const top = [...who].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(', ');
    const vias = new Map<string, number>();
    for (const l of these) vias.set(l.send.via, (vias.get(l.send.via) ?? 0) + 1);
    const via = [...vias].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`  ${cause.padEnd(26)} ${String(these.length).padStart(6)} sends (${pct(these.length)} of all), lag ${lagMs.toFixed(1)} ms in all; wait path: ${via}${top ? `; ran meanwhile: ${top}` : ''}`);
  }
  return lines;
}
