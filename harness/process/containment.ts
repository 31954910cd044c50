import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { detectCgroupSupport, harnessCgroupParents, killCgroupDir, listRunCgroups, removeCgroupDir, RunCgroup, type CgroupSupport } from './cgroup.ts';
import { readLedger, removeLedgerFile, RunLedger, type LedgerEntry } from './ledger.ts';
import { environHas, isSameProcessAlive, processCommandLine, processStartTime, safeReaddir } from './proc-info.ts';
import type { ReaperLink } from './reaper-link.ts';
import { findExecutable } from './which.ts';

/** Environment variable every process of a run inherits: how leftovers are recognised in /proc. */
export const RUN_TOKEN_ENV = 'HARNESS_RUN_TOKEN';

/** What this harness process can use to contain runs: detected once, shared by every run. */
export interface ContainmentHost {
  support: CgroupSupport;
  /** setpriv (util-linux), for a parent-death signal; null when missing. */
  setpriv: string | null;
  reaper: ReaperLink;
  /** Told about a degraded mode already (said once per process). */
  warned: boolean;
}

export function describeContainment(host: Pick<ContainmentHost, 'support' | 'setpriv'>): string {
  const pdeath = host.setpriv ? 'a parent-death signal (setpriv --pdeathsig)' : 'no parent-death signal (setpriv not found)';
  switch (host.support.kind) {
    case 'v2':
      return `cgroup v2 (${host.support.parent})`;
    case 'v1':
      return `cgroup v1 (${host.support.parents.join(', ')})`;
    case 'none':
      return `no cgroup (${host.support.reason}): process groups, ${pdeath} and the run token`;
  }
}

// Pids of live processes whose environment carries this run's token (whatever group or session they made).
export function processesWithToken(token: string): number[] {
  const needle = `${RUN_TOKEN_ENV}=${token}`;
  const out: number[] = [];
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    // environHas is false for a process that is gone or a kernel thread; a zombie is left out.
    if (environHas(Number(entry), needle) && processStartTime(Number(entry)) !== null) out.push(Number(entry));
  }
  return out;
}

function describePids(pids: number[]): string {
  return pids.map((p) => `pid ${p} (${processCommandLine(p).slice(0, 120) || '?'})`).join(', ');
}

function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {} // gone already
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Identifies one run for its ledger entry. */
export interface RunIdentityForLedger {
  name: string;
  id: string;
  artifactDir: string;
}

/**
 * One run's containment: its cgroup (when the host allows one) or process groups plus a
 * parent-death signal, a token in every process's environment, a ledger entry in the artifacts
 * root, and the reaper told what to kill if this process dies. close() kills whatever is left.
 */
export class RunContainment {
  readonly token: string;
  readonly cgroup: RunCgroup | null;
  private readonly ledger: RunLedger;
  private closed = false;

  constructor(
    private readonly host: ContainmentHost,
    artifactsRoot: string,
    run: RunIdentityForLedger,
    private readonly warn: (message: string) => void,
  ) {
    const ownerStart = processStartTime(process.pid) ?? 0;
    this.token = `run-${process.pid}-${ownerStart}-${randomBytes(4).toString('hex')}`;
    let cgroup: RunCgroup | null = null;
    if (host.support.kind !== 'none') {
      try {
        cgroup = RunCgroup.create(host.support, this.token);
      } catch (err) {
        warn(`containment: could not create the run cgroup (${(err as Error).message}); falling back to process groups`);
      }
    }
    this.cgroup = cgroup;
    const entry: LedgerEntry = {
      version: 1,
      run: { name: run.name, id: run.id, artifact_dir: run.artifactDir },
      owner: { pid: process.pid, start_time: ownerStart, command_line: processCommandLine(process.pid) },
      created_at: new Date().toISOString(),
      token: this.token,
      cgroup: cgroup ? { kind: cgroup.kind, dirs: cgroup.dirs } : null,
      processes: [],
    };
    this.ledger = new RunLedger(artifactsRoot, entry);
    this.ledger.save();
    if (this.ledger.writeError) warn(`containment: the ledger could not be written (${this.ledger.writeError}); a leftover of this run would not be found by the next run`);
    for (const dir of cgroup?.dirs ?? []) host.reaper.watchCgroup(dir);
    host.reaper.watchToken(this.token);
    host.reaper.watchFile(this.ledger.file);
    host.reaper.watchFile(this.ledger.processesFile);
    if (!cgroup && !host.warned) {
      host.warned = true;
      process.stderr.write(`warning: containment: ${describeContainment(host)}; a process that leaves its process group survives a SIGKILL of the harness until the next run or \`harness doctor\` removes it\n`);
    }
  }

  get mode(): string {
    return this.cgroup ? `cgroup ${this.cgroup.kind}` : 'process groups';
  }

  // The argv and environment that start `argv` inside this run: parent-death signal, cgroup
  // joined before the command runs (so nothing it forks escapes), the run token.
  wrap(argv: string[], cwd: string, env: Record<string, string>): { argv: string[]; env: Record<string, string> } {
    return { argv: wrapArgv(argv, cwd, env, this.host.setpriv, this.cgroup?.procsFiles ?? []), env: { ...env, [RUN_TOKEN_ENV]: this.token } };
  }

  // Record a started process in the ledger (its group leader: pgid = pid).
  recordSpawn(name: string, pid: number): void {
    this.ledger.add({ name, pid, pgid: pid, start_time: processStartTime(pid) ?? 0, command_line: processCommandLine(pid) });
  }

  // CPU time of all the run's processes so far (cgroup accounting), or null without a cgroup.
  cpuUsageUsec(): number | null {
    return this.cgroup?.cpuUsageUsec() ?? null;
  }

  // Kill everything of the run that is still alive (in the cgroup, or carrying the token), remove
  // the cgroup and the ledger entry. Idempotent.
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const inCgroup = this.cgroup?.pids() ?? [];
    if (inCgroup.length > 0) this.warn(`containment: killed ${inCgroup.length} process(es) still in the run cgroup after teardown: ${describePids(inCgroup)}`);
    if (this.cgroup && !(await this.cgroup.destroy())) this.warn(`containment: run cgroup ${this.cgroup.dirs.join(', ')} could not be removed (processes in uninterruptible sleep?); \`harness doctor\` removes it later`);
    const strays = processesWithToken(this.token);
    if (strays.length > 0) {
      this.warn(`containment: killed ${strays.length} process(es) of this run that had left its process groups: ${describePids(strays)}`);
      killPids(strays);
    }
    for (const dir of this.cgroup?.dirs ?? []) this.host.reaper.watchCgroup(dir, false);
    this.host.reaper.watchToken(this.token, false);
    this.host.reaper.watchFile(this.ledger.file, false);
    this.host.reaper.watchFile(this.ledger.processesFile, false);
    this.ledger.remove();
  }
}

// Prefix argv with setpriv --pdeathsig and a cgroup join. Left unchanged when the command cannot
// start anyway (missing executable or cwd), so spawn reports that failure itself.
export function wrapArgv(argv: string[], cwd: string, env: Record<string, string>, setpriv: string | null, procsFiles: string[]): string[] {
  const [file] = argv;
  if (!file || !isDirectory(cwd)) return argv;
  const exe = file.includes('/') ? findExecutable(path.resolve(cwd, file)) : findExecutable(file, env.PATH ?? process.env.PATH ?? '');
  if (!exe) return argv;
  let out = argv;
  if (procsFiles.length > 0) {
    // sh writes its own pid into each hierarchy, then execs the command (same pid, same group).
    const joins = procsFiles.map((f) => `echo $$ > '${f}'`).join(' && ');
    out = ['/bin/sh', '-c', `${joins} || { echo "harness: cannot join the run cgroup" >&2; exit 125; }; exec "$@"`, 'harness-join', ...out];
  }
  return setpriv ? [setpriv, '--pdeathsig', 'SIGKILL', '--', ...out] : out;
}

/** A leftover of a dead harness that was found and removed. */
export interface Leftover {
  description: string;
}

// Find what dead harness processes left behind (ledger entries whose owner is gone, and with
// `allCgroups` run cgroups of dead owners), kill it, remove it and say what it was. Live owners
// (another harness) are left alone.
// `allCgroups` also scans every run cgroup on the host (harness doctor); runs only act on their own
// artifacts root's ledger, so concurrent suites on one host never race to clean each other's leftovers.
export async function sweepLeftovers(artifactsRoot: string | undefined, support: CgroupSupport, { allCgroups = false } = {}): Promise<Leftover[]> {
  const found: Leftover[] = [];
  const parents = new Set(harnessCgroupParents(support));
  const handled = new Set<string>();
  for (const { file, entry } of artifactsRoot ? readLedger(artifactsRoot) : []) {
    if (!entry) {
      found.push({ description: `unreadable ledger file ${file} removed` });
      removeLedgerFile(file);
      continue;
    }
    if (isSameProcessAlive({ pid: entry.owner.pid, startTime: entry.owner.start_time })) continue;
    const parts: string[] = [];
    // Only folders directly under this host's harness parents: a hostile ledger names no other cgroup.
    for (const dir of entry.cgroup?.dirs ?? []) {
      if (!parents.has(path.dirname(dir)) || !/^run-[\w.-]+$/.test(path.basename(dir))) continue;
      handled.add(dir);
      if (!isDirectory(dir)) continue;
      const pids = readPids(dir);
      const named = pids.length ? ` with ${describePids(pids)}` : '';
      killCgroupDir(dir);
      const removed = await removeCgroupDir(dir);
      parts.push(`cgroup ${dir}${named}${removed ? '' : ' (could not be removed)'}`);
    }
    // Processes carrying the run's token: started by that run, whatever group they made.
    const strays = processesWithToken(entry.token);
    if (strays.length > 0) parts.push(describePids(strays));
    killPids(strays);
    removeLedgerFile(file);
    const what = parts.length > 0 ? `killed ${parts.join('; ')}` : 'nothing was still running';
    found.push({ description: `leftover of a dead harness (pid ${entry.owner.pid}, run ${entry.run.name}): ${what}; ledger entry removed` });
  }
  for (const dir of allCgroups ? listRunCgroups(support) : []) {
    if (handled.has(dir)) continue;
    const m = /^run-(\d+)-(\d+)-/.exec(path.basename(dir));
    if (m && isSameProcessAlive({ pid: Number(m[1]), startTime: Number(m[2]) })) continue;
    const pids = readPids(dir);
    const named = pids.length ? `: killed ${describePids(pids)}` : '';
    killCgroupDir(dir);
    const removed = await removeCgroupDir(dir);
    found.push({ description: `leftover cgroup of a dead harness ${dir}${named}${removed ? ', removed' : ' (could not be removed)'}` });
  }
  return found;
}

function readPids(dir: string): number[] {
  try {
    return readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export { detectCgroupSupport };
