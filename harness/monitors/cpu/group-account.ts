import type { CpuGroup, CpuRole } from '../../results/cpu-section-schema.ts';
import { CounterSeries } from './counter-series.ts';
import { TaskTree, type TaskReading } from './task-tree.ts';

/** USER_HZ: the unit of cutime/cstime in /proc/<pid>/stat (100 on every Linux architecture Node supports). */
const NS_PER_TICK = 10_000_000;
/** cutime and cstime are each truncated to a tick: below two ticks a difference is noise. */
const TICK_NOISE_NS = 2 * NS_PER_TICK;

interface ThreadSeries {
  pid: number;
  cpu: CounterSeries;
  voluntary: CounterSeries;
  involuntary: CounterSeries;
  tailNs: number;
}

interface ProcessSeries {
  parent: number | undefined;
  /** cutime + cstime (ns) at each slow poll: [time, value]. */
  childNs: [number, number][];
  /** The slow poll at which its /proc/<pid>/stat was gone, i.e. its parent had reaped it. */
  goneAt: number | null;
}

export interface GroupSpec {
  name: string;
  role: CpuRole;
  pid: number;
}

/**
 * CPU of one process group over time: every thread of the leader's tree, its cumulative schedstat run
 * time and context switches, kept after the thread exits. Exited threads lose only the time between
 * their last read and their exit, which is estimated (last rate × half the gap, see `exit_tail_ns`);
 * children that lived and died between two polls are recovered from their parent's cutime + cstime.
 */
export class GroupAccount {
  private readonly tree: TaskTree;
  private readonly threads = new Map<number, ThreadSeries>();
  private readonly processes = new Map<number, ProcessSeries>();
  private lastDiscoveryMs: number;

  constructor(readonly spec: GroupSpec, nowMs: number) {
    this.tree = new TaskTree(spec.pid);
    this.lastDiscoveryMs = nowMs;
  }

  // Look for new processes/threads; a thread first seen now started after the previous look, so its
  // counter is taken as 0 then (it did not exist), not as its current value.
  discover(nowMs: number, initial: boolean): void {
    for (const tid of this.tree.discover()) {
      const pid = this.tree.pidOf(tid)!;
      const s: ThreadSeries = { pid, cpu: new CounterSeries(), voluntary: new CounterSeries(), involuntary: new CounterSeries(), tailNs: 0 };
      if (!initial) for (const c of [s.cpu, s.voluntary, s.involuntary]) c.add(this.lastDiscoveryMs, 0);
      this.threads.set(tid, s);
      if (!this.processes.has(pid)) this.processes.set(pid, { parent: this.tree.parentOf(pid), childNs: [], goneAt: null });
    }
    this.lastDiscoveryMs = nowMs;
  }

  // One poll: CPU of every live thread; switches and reaped children's time on the slower polls.
  sample(nowMs: number, slow: boolean): void {
    const readings: Map<number, TaskReading> = this.tree.read(slow);
    for (const [tid, s] of this.threads) {
      if (s.cpu.ended) continue;
      const r = readings.get(tid);
      if (r) {
        s.cpu.add(nowMs, r.cpuNs);
        if (r.voluntary !== null) s.voluntary.add(nowMs, r.voluntary);
        if (r.involuntary !== null) s.involuntary.add(nowMs, r.involuntary);
        continue;
      }
      this.endThread(s, nowMs);
    }
    if (slow) {
      const ticks = this.tree.readChildTicks();
      for (const [pid, p] of this.processes) {
        if (p.goneAt !== null) continue;
        const t = ticks.get(pid);
        if (t === undefined) p.goneAt = nowMs;
        else p.childNs.push([nowMs, t * NS_PER_TICK]);
      }
    }
  }

  // A thread that is gone ran for part of the gap since its last read: add its last rate × half the gap.
  private endThread(s: ThreadSeries, nowMs: number): void {
    const lastT = s.cpu.lastTime;
    const lastV = s.cpu.lastValue;
    if (lastT !== undefined && lastV !== undefined) {
      const half = (nowMs - lastT) / 2;
      s.tailNs = Math.max(0, Math.min(s.cpu.lastRate(), 1e6)) * half;
      s.cpu.add(lastT + half, lastV + s.tailNs);
    }
    for (const c of [s.cpu, s.voluntary, s.involuntary]) c.ended = true;
  }

  // The group's figures between two times (ms since the epoch).
  summarize(startMs: number, endMs: number, host = 'local'): CpuGroup {
    let cpu = 0;
    let tail = 0;
    let vol: number | null = null;
    let invol: number | null = null;
    let exited = 0;
    for (const s of this.threads.values()) {
      cpu += s.cpu.delta(startMs, endMs);
      if (s.cpu.ended) {
        exited++;
        const t = s.cpu.lastTime ?? 0;
        if (t > startMs && t <= endMs) tail += s.tailNs;
      }
      if (s.voluntary.length > 0) vol = (vol ?? 0) + s.voluntary.delta(startMs, endMs);
      if (s.involuntary.length > 0) invol = (invol ?? 0) + s.involuntary.delta(startMs, endMs);
    }
    const unseen = this.reapedUnseen(startMs, endMs);
    cpu += unseen;
    const windowMs = endMs - startMs;
    return {
      name: this.spec.name,
      role: this.spec.role,
      host,
      root_pid: this.spec.pid,
      pids_seen: this.tree.pidsSeen.size,
      tasks_seen: this.threads.size,
      tasks_exited: exited,
      cpu_ns: Math.round(cpu),
      cpu_pct: windowMs > 0 ? round((cpu / 1e6 / windowMs) * 100) : 0,
      exit_tail_ns: Math.round(tail),
      reaped_correction_ns: Math.round(unseen),
      voluntary_switches: vol === null ? null : Math.round(vol),
      involuntary_switches: invol === null ? null : Math.round(invol),
    };
  }

  // Children reaped in the window that no poll saw: between two slow polls, a parent's cutime + cstime
  // grows by the whole lifetime CPU of the children it reaped (it reads its stat in the same poll that
  // finds theirs gone); what the tracked ones among them account for is subtracted, the rest ran in
  // processes too short-lived to be seen. Ticks make it coarse: a rest below two ticks is noise.
  private reapedUnseen(startMs: number, endMs: number): number {
    const lifetime = new Map<number, number>();
    const tailOf = new Map<number, number>();
    for (const s of this.threads.values()) {
      lifetime.set(s.pid, (lifetime.get(s.pid) ?? 0) + (s.cpu.lastValue ?? 0));
      tailOf.set(s.pid, (tailOf.get(s.pid) ?? 0) + s.tailNs);
    }
    let total = 0;
    for (const [pid, p] of this.processes) {
      for (let k = 1; k < p.childNs.length; k++) {
        const [t0, v0] = p.childNs[k - 1]!;
        const [t1, v1] = p.childNs[k]!;
        const overlap = Math.min(endMs, t1) - Math.max(startMs, t0);
        if (v1 <= v0 || overlap <= 0) continue;
        let seen = 0;
        for (const [qid, q] of this.processes) if (q.parent === pid && q.goneAt === t1) seen += (lifetime.get(qid) ?? 0) + (q.childNs.at(-1)?.[1] ?? 0);
        // Positive: CPU of children no poll saw. Negative: the exit tails of the tracked ones were
        // overestimated (a harness starved between two polls makes the gap, and so the tail, long);
        // a rest of the other sign is left alone, since threads that died before the first poll of a
        // child are missing from its lifetime and would push CPU from before the window into it.
        const rest = v1 - v0 - seen;
        const tails = [...this.processes].filter(([, q]) => q.parent === pid && q.goneAt === t1).reduce((sum, [qid]) => sum + (tailOf.get(qid) ?? 0), 0);
        const correction = rest > TICK_NOISE_NS ? rest : rest < -TICK_NOISE_NS ? Math.max(rest + TICK_NOISE_NS, -tails) : 0;
        total += (correction * overlap) / (t1 - t0);
      }
    }
    return total;
  }

  // Threads of the group running or runnable now.
  runningThreads(): number {
    return this.tree.runningCount();
  }

  close(): void {
    this.tree.close();
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
