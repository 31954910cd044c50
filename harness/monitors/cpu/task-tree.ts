import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';

/** One reading of one thread: cumulative CPU time (ns, from schedstat) and context switches. */
export interface TaskReading {
  cpuNs: number;
  voluntary: number | null;
  involuntary: number | null;
}

// Parse `/proc/<pid>/task/<tid>/schedstat`: "<on-cpu ns> <waiting ns> <timeslices>".
export function parseSchedstat(text: string): number | null {
  const first = text.trim().split(/\s+/)[0];
  const ns = Number(first);
  return first !== undefined && first !== '' && Number.isFinite(ns) ? ns : null;
}

// Parse the two context-switch counters of `/proc/<pid>/task/<tid>/status`.
export function parseSwitches(text: string): { voluntary: number | null; involuntary: number | null } {
  const v = /^voluntary_ctxt_switches:\s*(\d+)/m.exec(text);
  const n = /^nonvoluntary_ctxt_switches:\s*(\d+)/m.exec(text);
  return { voluntary: v ? Number(v[1]) : null, involuntary: n ? Number(n[1]) : null };
}

// Fields 14–17 of /proc/<pid>/stat after the command name: utime stime cutime cstime (clock ticks).
export function parseChildTicks(text: string): number | null {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const cutime = Number(rest[13]);
  const cstime = Number(rest[14]);
  return Number.isFinite(cutime) && Number.isFinite(cstime) ? cutime + cstime : null;
}

/**
 * A /proc file kept open and re-read with pread at offset 0: opening a /proc path costs 25–40 µs on
 * this VM (path walk), a pread of an open schedstat 1–2 µs, which is what lets the poll run every 10 ms.
 */
class ProcFile {
  private fd: number | null;
  constructor(file: string) {
    try {
      this.fd = openSync(file, 'r');
    } catch {
      this.fd = null;
    }
  }

  // The file's text, or null once the task is gone (ESRCH / empty read).
  read(buf: Buffer): string | null {
    if (this.fd === null) return null;
    try {
      const n = readSync(this.fd, buf, 0, buf.length, 0);
      return n > 0 ? buf.toString('latin1', 0, n) : null;
    } catch {
      return null;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

interface TaskFiles {
  pid: number;
  tid: number;
  schedstat: ProcFile;
  status: ProcFile;
  children: ProcFile;
}

/** Thread ids of a process, or [] once it is gone. */
function listTasks(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number).filter(Number.isInteger);
  } catch {
    return [];
  }
}

/**
 * The live threads of one process tree (a root pid and its descendants, found through
 * `/proc/<pid>/task/<tid>/children`), with their /proc files held open between reads.
 */
export class TaskTree {
  private readonly tasks = new Map<number, TaskFiles>();
  private readonly statFiles = new Map<number, ProcFile>();
  private readonly buf = Buffer.alloc(4096);
  readonly pidsSeen = new Set<number>();
  /** Each process's parent in the tree (undefined for the root). */
  private readonly parents = new Map<number, number>();

  constructor(readonly rootPid: number) {}

  // Find new processes and threads under the root (slow: directory reads); returns tids first seen now.
  discover(): number[] {
    const fresh: number[] = [];
    const queue: [number, number | undefined][] = [[this.rootPid, undefined]];
    const visited = new Set<number>();
    while (queue.length > 0) {
      const [pid, parent] = queue.shift()!;
      if (visited.has(pid)) continue;
      visited.add(pid);
      if (parent !== undefined && !this.parents.has(pid)) this.parents.set(pid, parent);
      for (const tid of listTasks(pid)) {
        let t = this.tasks.get(tid);
        if (!t) {
          const dir = `/proc/${pid}/task/${tid}`;
          t = { pid, tid, schedstat: new ProcFile(`${dir}/schedstat`), status: new ProcFile(`${dir}/status`), children: new ProcFile(`${dir}/children`) };
          this.tasks.set(tid, t);
          this.pidsSeen.add(pid);
          if (!this.statFiles.has(pid)) this.statFiles.set(pid, new ProcFile(`/proc/${pid}/stat`));
          fresh.push(tid);
        }
        const kids = t.children.read(this.buf);
        if (kids) for (const k of kids.trim().split(/\s+/)) if (k) queue.push([Number(k), pid]);
      }
    }
    return fresh;
  }

  // Read the CPU time of every known thread; `switches` adds the (slower) status read. Gone threads are absent.
  read(switches: boolean): Map<number, TaskReading> {
    const out = new Map<number, TaskReading>();
    for (const [tid, t] of this.tasks) {
      const text = t.schedstat.read(this.buf);
      const cpuNs = text === null ? null : parseSchedstat(text);
      if (cpuNs === null) {
        this.forget(tid);
        continue;
      }
      let sw: { voluntary: number | null; involuntary: number | null } = { voluntary: null, involuntary: null };
      if (switches) {
        const status = t.status.read(this.buf);
        if (status !== null) sw = parseSwitches(status);
      }
      out.set(tid, { cpuNs, ...sw });
    }
    return out;
  }

  // Reaped children's CPU per live process (cutime + cstime, in clock ticks).
  readChildTicks(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [pid, f] of this.statFiles) {
      const text = f.read(this.buf);
      const ticks = text === null ? null : parseChildTicks(text);
      if (ticks === null) {
        f.close();
        this.statFiles.delete(pid);
      } else {
        out.set(pid, ticks);
      }
    }
    return out;
  }

  // How many known threads are running or runnable right now (state R in /proc/<pid>/task/<tid>/stat).
  runningCount(): number {
    let n = 0;
    for (const t of this.tasks.values()) {
      try {
        const stat = readFileSync(`/proc/${t.pid}/task/${t.tid}/stat`, 'latin1');
        if (stat.charAt(stat.lastIndexOf(')') + 2) === 'R') n++;
      } catch {
        // gone: not running
      }
    }
    return n;
  }

  // The parent process of a process of the tree (undefined for the root).
  parentOf(pid: number): number | undefined {
    return this.parents.get(pid);
  }

  // The process a thread belongs to.
  pidOf(tid: number): number | undefined {
    return this.tasks.get(tid)?.pid;
  }

  private forget(tid: number): void {
    const t = this.tasks.get(tid);
    if (!t) return;
    t.schedstat.close();
    t.status.close();
    t.children.close();
    this.tasks.delete(tid);
  }

  close(): void {
    for (const tid of [...this.tasks.keys()]) this.forget(tid);
    for (const f of this.statFiles.values()) f.close();
    this.statFiles.clear();
  }
}
