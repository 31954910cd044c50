// End-to-end test of testbed/testbed.sh: builds a real generator node (network namespace, veth
// pair, sshd) on this machine, uses it, and tears it down. No doubles: it needs root and the
// testbed's tools, and fails (never skips) when they are missing.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { missingTestbedPreconditions } from '../helpers/testbed-preconditions.ts';

const SCRIPT = path.join(PACKAGE_ROOT, 'testbed/testbed.sh');
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'msh-testbed-test-'));
// A test-only instance: own namespace, links, /30 block and state dir, so a developer's default
// testbed (msh-gen, 10.211.0.1 <-> .2, .testbed/) keeps running while this test does.
const instance = {
  TESTBED_NS: 'msh-gent',
  TESTBED_VETH_SRV: 'msh-srvt',
  TESTBED_VETH_GEN: 'msh-gent0',
  TESTBED_SUBNET_ID: '1',
  TESTBED_DIR: stateDir,
};
const SERVER_ADDR = '10.211.0.5';
const GEN_ADDR = '10.211.0.6';
const sshConfig = path.join(stateDir, 'ssh_config');

// The caller's environment minus TESTBED_* (an `eval "$(testbed.sh env)"` must not leak in).
function testbedEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('TESTBED_')) env[k] = v;
  return { ...env, ...instance, ...extra };
}

// Run testbed.sh with this test's instance settings; never rejects, the test checks the result.
function testbed(args: string[], extra: Record<string, string> = {}) {
  return execa('bash', [SCRIPT, ...args], { env: testbedEnv(extra), extendEnv: false, reject: false, timeout: 60_000 });
}

function ssh(command: string) {
  return execa('ssh', ['-F', sshConfig, 'gen1', command], { reject: false, timeout: 30_000 });
}

function sshdPid(): number {
  return Number(readFileSync(path.join(stateDir, 'sshd.pid'), 'utf8').trim());
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const missingPreconditions = (): string[] => missingTestbedPreconditions([['ip', 'iproute2'], ['sshd', 'openssh-server'], ['ssh', 'openssh-client'], ['ssh-keygen', 'openssh-client']] as const);

// Open one connection with ssh2 and run `count` exec channels on it at the same time.
async function runConcurrentChannels(count: number): Promise<string[]> {
  const [, , hostKey] = readFileSync(path.join(stateDir, 'known_hosts'), 'utf8').split('\n')[0]!.split(' ');
  const client = new Client();
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({
        host: GEN_ADDR,
        port: 22,
        username: 'harness-gen',
        privateKey: readFileSync(path.join(stateDir, 'id_ed25519')),
        hostVerifier: (key: Buffer) => key.equals(Buffer.from(hostKey!, 'base64')),
        readyTimeout: 10_000,
      });
    });
    const one = (i: number) =>
      new Promise<string>((resolve, reject) => {
        client.exec(`sleep 0.5; echo ${i}`, (err, stream) => {
          if (err) return reject(err);
          let out = '';
          stream.on('data', (d: Buffer) => (out += d.toString()));
          stream.stderr.resume();
          stream.on('close', (code: number) => (code === 0 ? resolve(out.trim()) : reject(new Error(`channel ${i} exited ${code}`))));
        });
      });
    return await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
  } finally {
    client.end();
  }
}

describe('testbed/testbed.sh (real namespace + sshd, needs root)', () => {
  beforeAll(async () => {
    const problems = missingPreconditions();
    if (problems.length > 0) throw new Error(`testbed tests cannot run:\n  ${problems.join('\n  ')}`);
    await testbed(['down']); // leftovers of an interrupted earlier run
  });

  afterAll(async () => {
    if (process.getuid?.() === 0) await testbed(['down']);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('refuses to run without root, saying why', async () => {
    const r = await execa('runuser', ['-u', 'nobody', '--', 'bash', SCRIPT, 'up'], { env: testbedEnv(), extendEnv: false, reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("'up' must run as root");
  });

  it('names the package of a missing tool and creates nothing', async () => {
    const r = await testbed(['up'], { TESTBED_SSHD: '/nonexistent/sshd' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/missing tools: sshd \(\/nonexistent\/sshd\) from openssh-server/);
    expect(r.stderr).toContain('install-deps.sh');
    expect(existsSync('/run/netns/msh-gent')).toBe(false);
  });

  it('up builds the generator node and status reports it fully up', async () => {
    const up = await testbed(['up']);
    expect(up.exitCode, up.stderr).toBe(0);
    const status = await testbed(['status']);
    expect(status.exitCode, status.stdout).toBe(0);
    expect(status.stdout).not.toMatch(/^missing/m);
  });

  it('ssh gen1 runs commands on the generator node as harness-gen, in an empty home of its own', async () => {
    const r = await ssh('echo ok; hostname -I; id -un; ls -A ~; df -P ~ | awk \'NR==2 {print $1}\'');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split('\n').map((l) => l.trim())).toEqual(['ok', GEN_ADDR, 'harness-gen', '.ssh', 'home']);
  });

  it('gives the generator node its own filesystem: the checkout, /root and the server node\'s /tmp are not there, Node is', async () => {
    const marker = path.join(stateDir, 'server-node-only');
    writeFileSync(marker, 'x');
    const checkout = path.join(PACKAGE_ROOT, 'package.json');
    const r = await ssh(`cat ${checkout}; ls ${PACKAGE_ROOT}; ls /root; ls ${marker}; ls /; node -e 'console.log(process.version)'`);
    expect(r.stderr).toContain(`cat: ${checkout}: No such file or directory`);
    expect(r.stderr).toContain(`ls: cannot access '${PACKAGE_ROOT}': No such file or directory`);
    expect(r.stderr).toContain("ls: cannot access '/root': No such file or directory");
    expect(r.stderr).toContain(`ls: cannot access '${marker}': No such file or directory`);
    expect(r.stdout).toContain(process.version);
    expect(r.stdout.split('\n')).not.toContain('work');
    // Node cannot reach the checkout either (not a shell quirk).
    const node = await ssh(`node -e 'require("fs").readFileSync(${JSON.stringify(checkout)})'`);
    expect(node.exitCode).not.toBe(0);
    expect(node.stderr).toContain('ENOENT');
    // What the generator writes stays on the generator node.
    expect((await ssh('echo gen > /tmp/gen-only')).exitCode).toBe(0);
    expect(existsSync('/tmp/gen-only')).toBe(false);
    expect(readFileSync(`/proc/${sshdPid()}/root/tmp/gen-only`, 'utf8')).toBe('gen\n');
  });

  it('copies a remote artifact back with scp (sftp subsystem)', async () => {
    expect((await ssh('mkdir -p ~/MicroSentinel/artifacts/remote && echo payload > ~/MicroSentinel/artifacts/remote/probe.txt')).exitCode).toBe(0);
    const local = path.join(stateDir, 'probe.copy');
    const r = await execa('scp', ['-F', sshConfig, 'gen1:MicroSentinel/artifacts/remote/probe.txt', local], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(local, 'utf8')).toBe('payload\n');
    rmSync(local);
    await ssh('rm -f ~/MicroSentinel/artifacts/remote/probe.txt');
  });

  it('serves 20 concurrent channels on one connection and 20 parallel connections', async () => {
    const outputs = await runConcurrentChannels(20);
    expect(outputs).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => ssh(`sleep 0.3; echo ${i}`)));
    expect(results.map((r) => r.exitCode)).toEqual(Array(20).fill(0));
  });

  it('the generator node reaches a server listening on the server address', async () => {
    const server = net.createServer();
    const received = new Promise<{ from: string | undefined; data: string }>((resolve) => {
      server.once('connection', (socket) => {
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('end', () => resolve({ from: socket.remoteAddress, data }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, SERVER_ADDR, resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const r = await execa('ip', ['netns', 'exec', 'msh-gent', 'bash', '-c', `exec 3<>/dev/tcp/${SERVER_ADDR}/${port}; echo hello >&3`], {
        reject: false,
        timeout: 10_000,
      });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(await received).toEqual({ from: GEN_ADDR, data: 'hello\n' });
    } finally {
      server.close();
    }
  });

  it('routes only the testbed block inside the namespace (no default route, no IPv6 on the link)', async () => {
    const routes = await execa('ip', ['-n', 'msh-gent', '-4', 'route', 'show']);
    expect(routes.stdout.trim()).toBe(`10.211.0.4/30 dev msh-gent0 proto kernel scope link src ${GEN_ADDR}`);
    const v6 = await execa('ip', ['-n', 'msh-gent', '-6', 'addr', 'show', 'dev', 'msh-gent0']);
    expect(v6.stdout.trim()).toBe('');
  });

  it('up again is idempotent: same sshd, same host key, still fully up', async () => {
    const pid = sshdPid();
    const knownHosts = readFileSync(path.join(stateDir, 'known_hosts'), 'utf8');
    const up = await testbed(['up']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain(`sshd already running (pid ${pid})`);
    expect(sshdPid()).toBe(pid);
    expect(readFileSync(path.join(stateDir, 'known_hosts'), 'utf8')).toBe(knownHosts);
    expect((await testbed(['status'])).exitCode).toBe(0);
    expect((await ssh('echo ok')).stdout).toBe('ok');
  });

  it('env prints the exports tests use', async () => {
    const r = await testbed(['env']);
    expect(r.exitCode).toBe(0);
    const vars = Object.fromEntries(r.stdout.split('\n').map((l) => l.replace(/^export /, '').split('=') as [string, string]));
    expect(vars).toMatchObject({
      TESTBED_SSH_CONFIG: sshConfig,
      TESTBED_KNOWN_HOSTS: path.join(stateDir, 'known_hosts'),
      TESTBED_IDENTITY: path.join(stateDir, 'id_ed25519'),
      TESTBED_HOST: GEN_ADDR,
      TESTBED_SERVER_ADDR: SERVER_ADDR,
      TESTBED_USER: 'harness-gen',
      TESTBED_NS: 'msh-gent',
      TESTBED_GEN_ROOT: `/proc/${sshdPid()}/root`,
    });
  });

  it('down removes namespace, links, sshd and state; down again is fine', async () => {
    const pid = sshdPid();
    const down = await testbed(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect((await execa('ip', ['netns', 'list'])).stdout).not.toMatch(/^msh-gent\b/m);
    expect((await execa('ip', ['link', 'show', 'dev', 'msh-srvt'], { reject: false })).exitCode).not.toBe(0);
    expect(isRunning(pid)).toBe(false);
    expect(existsSync(path.join(stateDir, 'id_ed25519'))).toBe(false);
    expect((await testbed(['down'])).exitCode).toBe(0);
    expect((await testbed(['status'])).exitCode).toBe(1);
  });

  it('down cleans up after a half-failed up (namespace plus a veth whose peer never moved)', async () => {
    await execa('ip', ['netns', 'add', 'msh-gent']);
    await execa('ip', ['link', 'add', 'msh-srvt', 'type', 'veth', 'peer', 'name', 'msh-gent0']);
    const down = await testbed(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(existsSync('/run/netns/msh-gent')).toBe(false);
    for (const link of ['msh-srvt', 'msh-gent0']) {
      expect((await execa('ip', ['link', 'show', 'dev', link], { reject: false })).exitCode).not.toBe(0);
    }
  });
});
