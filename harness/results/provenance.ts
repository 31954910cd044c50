import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { createHash } from 'node:crypto';
import { execa } from 'execa';

/** What ran where: recorded in every plan.json so a result can be traced and redone. */
export interface Provenance {
  git_commit: string | null;
  git_dirty: boolean | null;
  /** sha256 of `git diff HEAD` when the checkout has uncommitted changes. */
  git_diff_sha256: string | null;
  harness_version: string;
  node_version: string;
  hostname: string;
  kernel: string;
  cpu_model: string | null;
  cpu_count: number;
  machine: HostFacts;
  tools: Record<string, string | null>;
}

/** Facts of the machine that change measurements (governor, SMT, turbo, NUMA, clock sync). */
export interface HostFacts {
  governor: string | null;
  smt: string | null;
  turbo: string | null;
  numa_nodes: number | null;
  clock_sync: string | null;
}

// What a probe printed: its output when it succeeded, else whatever it said (tools such as mpstat
// print their version and exit non-zero); null when it said nothing (not installed, timed out).
function probeOutput(ok: boolean, stdout: unknown, stderr: unknown): string | null {
  if (ok) return String(stdout).trim();
  const out = String(stdout ?? '') || String(stderr ?? '');
  return out ? out.trim() : null;
}

function run(cmd: string, args: string[], cwd?: string): string | null {
  try {
    return probeOutput(true, execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 }), '');
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return probeOutput(false, e.stdout, e.stderr);
  }
}

// The same, without blocking: the probes of collectProvenance() run side by side while the worker
// starts (one after the other they cost ~160 ms before a suite's first run here).
async function runAsync(cmd: string, args: string[], cwd?: string): Promise<string | null> {
  const r = await execa(cmd, args, { cwd, reject: false, timeout: 5000, stdin: 'ignore' });
  return probeOutput(r.exitCode === 0, r.stdout, r.stderr);
}

const read = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
};

// CPU frequency governor, SMT and turbo state, NUMA nodes, clock sync (chrony) of this host.
export function readHostFacts(): HostFacts {
  return hostFacts(run('chronyc', ['-n', 'tracking']));
}

// Everything but the clock sync is read from /sys; `chrony` is `chronyc -n tracking`'s output.
function hostFacts(chrony: string | null): HostFacts {
  const noTurbo = read('/sys/devices/system/cpu/intel_pstate/no_turbo');
  const boost = read('/sys/devices/system/cpu/cpufreq/boost');
  const nodes = existsSync('/sys/devices/system/node') ? readdirSync('/sys/devices/system/node').filter((d) => /^node\d+$/.test(d)).length : null;
  return {
    governor: read('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor'),
    smt: read('/sys/devices/system/cpu/smt/control'),
    turbo: noTurbo !== null ? (noTurbo === '1' ? 'off' : 'on') : boost !== null ? (boost === '1' ? 'on' : 'off') : null,
    numa_nodes: nodes,
    clock_sync: chrony ? (/Leap status\s*:\s*Normal/.test(chrony) ? 'chrony: synchronised' : 'chrony: not synchronised') : null,
  };
}

// First line of a tool's version output, null when it is not installed.
const firstLine = (out: string | null): string | null => out?.split('\n').find((l) => l.trim())?.trim() ?? null;
function toolVersion(cmd: string, args: string[]): string | null {
  return firstLine(run(cmd, args));
}

const cache = new Map<string, Promise<Provenance>>();

// Everything above for this host, once per process (started early: defineSuiteFile asks for it as
// a suite file loads, the first plan.json awaits it); the agent's --version is added per run.
export function collectProvenance(rootDir: string, harnessVersion: string): Promise<Provenance> {
  const key = `${rootDir}\0${harnessVersion}`;
  let p = cache.get(key);
  if (!p) {
    p = gatherProvenance(rootDir, harnessVersion);
    cache.set(key, p);
  }
  return p;
}

async function gatherProvenance(rootDir: string, harnessVersion: string): Promise<Provenance> {
  const git = async (): Promise<Pick<Provenance, 'git_commit' | 'git_dirty' | 'git_diff_sha256'>> => {
    const commit = await runAsync('git', ['rev-parse', 'HEAD'], rootDir);
    const status = commit ? await runAsync('git', ['status', '--porcelain', '--untracked-files=no'], rootDir) : null;
    const dirty = status === null ? null : status.length > 0;
    const diff = dirty ? await runAsync('git', ['diff', 'HEAD'], rootDir) : null;
    return {
      git_commit: commit && /^[0-9a-f]{40}$/.test(commit) ? commit : null,
      git_dirty: dirty,
      git_diff_sha256: diff ? createHash('sha256').update(diff).digest('hex') : null,
    };
  };
  const [gitFacts, chrony, perf, sysstat] = await Promise.all([
    git(),
    runAsync('chronyc', ['-n', 'tracking']),
    runAsync('perf', ['--version']).then(firstLine),
    runAsync('mpstat', ['-V']).then(firstLine),
  ]);
  return {
    ...gitFacts,
    harness_version: harnessVersion,
    node_version: process.version,
    hostname: os.hostname(),
    kernel: `${os.type()} ${os.release()}`,
    cpu_model: os.cpus()[0]?.model ?? null,
    cpu_count: os.cpus().length,
    machine: hostFacts(chrony),
    tools: { perf, sysstat },
  };
}

// An agent binary's own --version (when it has one), for plan.json.
export function agentVersion(bin: string): string | null {
  return toolVersion(bin, ['--version']);
}
