import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { safeReaddir } from './proc-info.ts';

/** The one folder under each cgroup hierarchy that holds every run cgroup of this harness. */
export const HARNESS_CGROUP_NAME = 'microsentinel-harness';

/** How this host lets the harness contain a run's processes. */
export type CgroupSupport =
  /** cgroup v2: one run cgroup, killed with cgroup.kill (or freeze + SIGKILL on kernels before 5.14). */
  | { kind: 'v2'; parent: string }
  /** cgroup v1: a freezer cgroup (freeze + SIGKILL), plus cpuacct when mounted. */
  | { kind: 'v1'; parents: string[] }
  | { kind: 'none'; reason: string };

/** The session's `containment` (HARNESS_CGROUP) forces a choice: v2, v1 or none (tests use it to reach every path on one host). */
export type CgroupPreference = 'auto' | 'v2' | 'v1' | 'none';

interface Mount {
  point: string;
  fstype: string;
  superOptions: string[];
}

// mountinfo escapes space, tab, newline and backslash as octal.
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

function readMounts(): Mount[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    const [left, right] = line.split(' - ');
    if (!left || !right) return [];
    const point = left.split(' ')[4];
    const [fstype = '', , superOpts = ''] = right.split(' ');
    return point ? [{ point: unescapeMount(point), fstype, superOptions: superOpts.split(',') }] : [];
  });
}

// A parent folder we can create (or that exists) and write to; the reason otherwise.
function prepareParent(mountPoint: string): string | { reason: string } {
  const parent = path.join(mountPoint, HARNESS_CGROUP_NAME);
  try {
    mkdirSync(parent, { recursive: true });
    return parent;
  } catch (err) {
    return { reason: `cannot create ${parent} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
}

// What this host allows, preferring cgroup v2; the parents are created on the way.
export function detectCgroupSupport(preference: CgroupPreference): CgroupSupport {
  if (preference === 'none') return { kind: 'none', reason: 'HARNESS_CGROUP=none' };
  const mounts = readMounts();
  const reasons: string[] = [];
  if (preference !== 'v1') {
    const v2 = mounts.find((m) => m.fstype === 'cgroup2');
    if (!v2) reasons.push('no cgroup v2 hierarchy is mounted');
    else {
      const parent = prepareParent(v2.point);
      if (typeof parent === 'string') return { kind: 'v2', parent };
      reasons.push(parent.reason);
    }
  }
  if (preference !== 'v2') {
    const freezer = mounts.find((m) => m.fstype === 'cgroup' && m.superOptions.includes('freezer'));
    const cpuacct = mounts.find((m) => m.fstype === 'cgroup' && m.superOptions.includes('cpuacct') && m !== freezer);
    if (!freezer) reasons.push('no cgroup v1 freezer hierarchy is mounted');
    else {
      const parents = [freezer, ...(cpuacct ? [cpuacct] : [])].map((m) => prepareParent(m.point));
      const bad = parents.find((p): p is { reason: string } => typeof p !== 'string');
      if (!bad) return { kind: 'v1', parents: parents as string[] };
      reasons.push(bad.reason);
    }
  }
  return { kind: 'none', reason: reasons.join('; ') || 'no usable cgroup hierarchy' };
}

/** The parents this host's hierarchies hold for the harness (where `doctor` looks for leftovers). */
export function harnessCgroupParents(support: CgroupSupport): string[] {
  switch (support.kind) {
    case 'v2':
      return [support.parent];
    case 'v1':
      return support.parents;
    case 'none':
      return [];
  }
}

function readPids(dir: string): number[] {
  try {
    return readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function tryWrite(file: string, value: string): boolean {
  try {
    writeFileSync(file, value);
    return true;
  } catch {
    return false;
  }
}

// Synchronous pause: teardown also runs inside process.on('exit'), where nothing async completes.
function pauseMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// SIGKILL every process in a cgroup folder, whatever process group or session it made.
// v2 with cgroup.kill: one write. Otherwise freeze first, so nothing forks while we kill, then thaw.
export function killCgroupDir(dir: string): number {
  const before = readPids(dir).length;
  if (existsSync(path.join(dir, 'cgroup.kill')) && tryWrite(path.join(dir, 'cgroup.kill'), '1')) return before;
  const freeze = existsSync(path.join(dir, 'cgroup.freeze')) ? (['cgroup.freeze', '1', '0'] as const) : existsSync(path.join(dir, 'freezer.state')) ? (['freezer.state', 'FROZEN', 'THAWED'] as const) : null;
  if (freeze) {
    tryWrite(path.join(dir, freeze[0]), freeze[1]);
    // v1 reports FREEZING until every task stopped; a killed frozen task dies once thawed.
    for (let i = 0; i < 100 && freeze[0] === 'freezer.state' && readFileSync(path.join(dir, 'freezer.state'), 'utf8').trim() === 'FREEZING'; i++) pauseMs(5);
  }
  for (const pid of readPids(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {} // gone already
  }
  if (freeze) tryWrite(path.join(dir, freeze[0]), freeze[2]);
  return before;
}

// Remove an emptied cgroup folder, waiting (bounded) for killed processes to leave it. The kernel
// lets a just-reaped task go within a millisecond or two, so the looks start 1 ms apart and back
// off to 20 ms (a fixed 20 ms wait cost every run that much).
export async function removeCgroupDir(dir: string, timeoutMs = 2000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 20)) {
    try {
      rmdirSync(dir);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
      if (Date.now() >= end) return false;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** One run's cgroup (one folder per hierarchy in v1): join, account, kill, remove. */
export class RunCgroup {
  private constructor(
    readonly kind: 'v2' | 'v1',
    /** The folders; the first is the one whose members are the run's processes (v2, or v1 freezer). */
    readonly dirs: string[],
  ) {}

  // Create the run's folders under the harness parents; throws with the path and cause.
  static create(support: Exclude<CgroupSupport, { kind: 'none' }>, name: string): RunCgroup {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`invalid cgroup name ${JSON.stringify(name)}`);
    const dirs = harnessCgroupParents(support).map((p) => path.join(p, name));
    for (const dir of dirs) mkdirSync(dir);
    return new RunCgroup(support.kind, dirs);
  }

  /** Files a process writes its pid to, to join the run (every hierarchy). */
  get procsFiles(): string[] {
    return this.dirs.map((d) => path.join(d, 'cgroup.procs'));
  }

  pids(): number[] {
    return readPids(this.dirs[0]!);
  }

  // CPU time of everything that ever ran in the cgroup, in microseconds (exact, not sampled).
  cpuUsageUsec(): number | null {
    try {
      if (this.kind === 'v2') {
        const m = /^usage_usec (\d+)$/m.exec(readFileSync(path.join(this.dirs[0]!, 'cpu.stat'), 'utf8'));
        return m ? Number(m[1]) : null;
      }
      const acct = this.dirs.find((d) => existsSync(path.join(d, 'cpuacct.usage')));
      return acct ? Math.round(Number(readFileSync(path.join(acct, 'cpuacct.usage'), 'utf8')) / 1000) : null;
    } catch {
      return null;
    }
  }

  killAll(): number {
    return killCgroupDir(this.dirs[0]!);
  }

  // Kill what is left and remove every folder; false when one could not be removed in time.
  async destroy(timeoutMs = 2000): Promise<boolean> {
    this.killAll();
    let ok = true;
    for (const dir of this.dirs) ok = (await removeCgroupDir(dir, timeoutMs)) && ok;
    return ok;
  }
}

// Run cgroup folders under the harness parents (for leftovers of a dead harness).
export function listRunCgroups(support: CgroupSupport): string[] {
  return harnessCgroupParents(support).flatMap((p) => safeReaddir(p).filter((n) => n.startsWith('run-')).map((n) => path.join(p, n)));
}
