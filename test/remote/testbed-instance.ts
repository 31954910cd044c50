// A test-only testbed per test file: its own namespace, veth names, /30 block and state dir, so a
// developer's default testbed (msh-gen, .testbed/) and other test files' instances keep running.
// No doubles: these tests need root and the testbed's tools, and fail (never skip) without them.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { missingTestbedPreconditions } from '../helpers/testbed-preconditions.ts';

const SCRIPT = path.join(PACKAGE_ROOT, 'testbed/testbed.sh');

export interface TestbedInstance {
  ns: string;
  dir: string;
  serverAddr: string;
  genAddr: string;
  sshConfig: string;
  knownHosts: string;
  identity: string;
  hostKeyPub: string;
  user: string;
  /** Bring the instance up again with other TESTBED_* settings (a changed one restarts its sshd). */
  reup(env?: Record<string, string>): Promise<void>;
  /** The server node's path of a path on the generator node (through its sshd's root). */
  genPath(p: string): string;
}

export interface InstanceSettings {
  /** Namespace name (≤ 15 characters); veth names are derived from it. */
  ns: string;
  /** 1–63: the /30 block 10.211.0.4N (server .4N+1, generator .4N+2). */
  subnetId: number;
  /** Further TESTBED_* settings (TESTBED_GEN_DISK_MB, TESTBED_NODE_STUB). */
  env?: Record<string, string>;
  /** Create ~/MicroSentinel/artifacts/remote after up (the workdir of the remote tests). @default true */
  workdir?: boolean;
}

const missingPreconditions = (): string[] => missingTestbedPreconditions([['ip', 'iproute2'], ['sshd', 'openssh-server'], ['ssh-keygen', 'openssh-client'], ['ssh-keyscan', 'openssh-client']] as const);

// The caller's environment minus TESTBED_* (an `eval "$(testbed.sh env)"` must not leak in), plus the instance.
function instanceEnv(s: InstanceSettings, dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('TESTBED_')) env[k] = v;
  return { ...env, TESTBED_NS: s.ns, TESTBED_VETH_SRV: `${s.ns}s`, TESTBED_VETH_GEN: `${s.ns}g`, TESTBED_SUBNET_ID: String(s.subnetId), TESTBED_DIR: dir, ...s.env };
}

// Bring the instance up before the file's tests and down after them; returns a getter for its facts.
export function useTestbed(s: InstanceSettings): () => TestbedInstance {
  const dir = mkdtempSync(path.join(os.tmpdir(), `msh-${s.ns}-`));
  const testbed = (cmd: string, env: Record<string, string> = {}) => execa('bash', [SCRIPT, cmd], { env: { ...instanceEnv(s, dir), ...env }, extendEnv: false, reject: false, timeout: 60_000 });
  const sshdPid = (): string => readFileSync(path.join(dir, 'sshd.pid'), 'utf8').trim();
  // The generator node starts empty (only ~/.ssh): the remote tests' workdir is made here.
  const up = async (env: Record<string, string> = {}): Promise<void> => {
    const r = await testbed('up', env);
    if (r.exitCode !== 0) throw new Error(`testbed.sh up failed for ${s.ns}:\n${r.stdout}\n${r.stderr}`);
    if (s.workdir === false) return;
    const mk = await execa('ssh', ['-F', path.join(dir, 'ssh_config'), 'gen1', 'mkdir -p ~/MicroSentinel/artifacts/remote'], { reject: false, timeout: 30_000 });
    if (mk.exitCode !== 0) throw new Error(`creating the remote workdir on ${s.ns} failed: ${mk.stderr}`);
  };
  const instance: TestbedInstance = {
    ns: s.ns,
    dir,
    serverAddr: `10.211.0.${s.subnetId * 4 + 1}`,
    genAddr: `10.211.0.${s.subnetId * 4 + 2}`,
    sshConfig: path.join(dir, 'ssh_config'),
    knownHosts: path.join(dir, 'known_hosts'),
    identity: path.join(dir, 'id_ed25519'),
    hostKeyPub: path.join(dir, 'ssh_host_ed25519_key.pub'),
    user: 'harness-gen',
    reup: up,
    genPath: (p) => `/proc/${sshdPid()}/root${p}`,
  };
  beforeAll(async () => {
    const problems = missingPreconditions();
    if (problems.length > 0) throw new Error(`remote tests need a real generator node and cannot run:\n  ${problems.join('\n  ')}`);
    await testbed('down'); // leftovers of an interrupted earlier run
    await up();
  }, 120_000);
  afterAll(async () => {
    if (process.getuid?.() === 0) {
      const down = await testbed('down');
      if (down.exitCode !== 0) throw new Error(`testbed.sh down failed for ${s.ns}:\n${down.stderr}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
  return () => instance;
}

/** A live process seen from /proc (the namespace shares this machine's pid namespace). */
export interface NsProcess {
  pid: number;
  pgid: number;
  state: string;
  args: string;
}

// Processes whose network namespace is `ns` (`ip netns pids`), zombies excluded (PID 1 here may never reap them).
export async function namespaceProcesses(ns: string): Promise<NsProcess[]> {
  const r = await execa('ip', ['netns', 'pids', ns], { reject: false });
  const out: NsProcess[] = [];
  for (const pid of r.stdout.split('\n').filter(Boolean).map(Number)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      if (fields[0] !== 'Z' && fields[0] !== 'X') out.push({ pid, pgid: Number(fields[2]), state: fields[0]!, args });
    } catch {} // exited while we looked
  }
  return out;
}

// Processes in the namespace whose command line contains `token` (each test marks its commands).
export async function processesWith(ns: string, token: string): Promise<NsProcess[]> {
  return (await namespaceProcesses(ns)).filter((p) => p.args.includes(token));
}

// The same, without the harness's wrapper shell and its watchdog (their argv repeats the command's).
export async function commandProcessesWith(ns: string, token: string): Promise<NsProcess[]> {
  return (await processesWith(ns, token)).filter((p) => !p.args.includes('wd=$1 grace=$2'));
}

// Poll (bounded) until no process in the namespace carries `token`, wrappers included; returns what is left.
export async function waitNoneWith(ns: string, token: string, timeoutMs = 8000): Promise<NsProcess[]> {
  const end = Date.now() + timeoutMs;
  let left = await processesWith(ns, token);
  while (left.length > 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    left = await processesWith(ns, token);
  }
  return left;
}

// Pids of the per-connection sshd processes in the namespace (privsep monitor and session).
export async function sshdSessionPids(ns: string): Promise<number[]> {
  return (await namespaceProcesses(ns)).filter((p) => /^sshd(-session)?: harness-gen(@notty| \[priv\])/.test(p.args)).map((p) => p.pid);
}

// A token unique to this test process, to find its commands among the namespace's processes.
export function uniqueToken(label: string): string {
  return `tok-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true }).map(String).sort();
  } catch {
    return [];
  }
}
