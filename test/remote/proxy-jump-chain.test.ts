// ProxyJump end to end on real OpenSSH (needs root): the testbed's sshd is the jump host `bastion`
// (10.211.0.22, its own namespace), and a second sshd listens on 127.0.0.1:2222 inside that
// namespace, which the root namespace cannot reach: the host `inner` exists only through the jump.
// Both sshds are real; the second is started here and stopped by its pid.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostKeyError, RemoteConnectError, RemoteHostPool, type RemoteEvent } from '../../harness/remote/index.ts';
import { namespaceProcesses, sshdSessionPids, useTestbed, waitNoneWith, uniqueToken } from './testbed-instance.ts';

const testbed = useTestbed({ ns: 'msh-pj', subnetId: 5 });
const INNER_PORT = 2222;
let dir: string;
let sshConfig: string;
let innerSshd: ResultPromise | undefined;
const events: RemoteEvent[] = [];
const pools: RemoteHostPool[] = [];

function newPool(): RemoteHostPool {
  const pool = new RemoteHostPool({ sshConfigPath: sshConfig, connectTimeoutMs: 5000, onEvent: (e) => events.push(e) });
  pools.push(pool);
  return pool;
}

async function fingerprint(pub: string): Promise<string> {
  return `ssh-ed25519 ${(await execa('ssh-keygen', ['-l', '-f', pub])).stdout.split(' ')[1]}`;
}

// Established TCP connections from this (root) namespace to the jump host's sshd.
async function connectionsToJumpHost(): Promise<string> {
  return (await execa('ss', ['-Htn', 'state', 'established', 'dst', `${testbed().genAddr}:22`])).stdout.trim();
}

async function innerSshdAnswers(): Promise<boolean> {
  const r = await execa('ip', ['netns', 'exec', testbed().ns, 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${INNER_PORT}`], { reject: false });
  return r.exitCode === 0;
}

beforeAll(async () => {
  const t = testbed();
  dir = mkdtempSync(path.join(os.tmpdir(), 'proxy-jump-chain-'));
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'inner host key', '-f', path.join(dir, 'inner_host_key')]);
  const innerPub = readFileSync(path.join(dir, 'inner_host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(path.join(dir, 'inner_known_hosts'), `[127.0.0.1]:${INNER_PORT} ${innerPub}\n`);
  writeFileSync(path.join(dir, 'empty_known_hosts'), '');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'not authorized', '-f', path.join(dir, 'wrong_key')]);
  // The inner host runs on this machine's filesystem (not the generator root, whose home has the
  // testbed's authorized_keys): it gets the client key in a file of its own, readable by the user.
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, 'inner_authorized_keys'), readFileSync(`${t.identity}.pub`), { mode: 0o644 });
  const sshdConfig = path.join(dir, 'inner_sshd_config');
  writeFileSync(
    sshdConfig,
    [
      `ListenAddress 127.0.0.1:${INNER_PORT}`,
      `HostKey ${path.join(dir, 'inner_host_key')}`,
      `PidFile ${path.join(dir, 'inner_sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'inner_authorized_keys')}`,
      'StrictModes no', // the key file sits under /tmp, which is world-writable
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin no',
      `AllowUsers ${t.user}`,
      'MaxSessions 64',
      '',
    ].join('\n'),
  );
  // -D: stays in the foreground as our child (ip netns exec execs it), so it is stopped by its pid.
  const log = path.join(dir, 'inner_sshd.log');
  innerSshd = execa('ip', ['netns', 'exec', t.ns, '/usr/sbin/sshd', '-D', '-f', sshdConfig, '-E', log], { reject: false });
  const deadline = Date.now() + 10_000;
  while (!(await innerSshdAnswers())) {
    if (Date.now() > deadline || innerSshd.exitCode !== null) {
      innerSshd.kill('SIGKILL');
      const r = await innerSshd;
      throw new Error(`the inner sshd did not answer on 127.0.0.1:${INNER_PORT} within 10 s (exit ${r.exitCode}): ${r.stderr}${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The jump hosts' entries come through an Include, as in ~/.ssh/config.d/.
  const login = (knownHosts: string): string[] => [`  User ${t.user}`, `  IdentityFile ${t.identity}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null'];
  mkdirSync(path.join(dir, 'config.d'));
  writeFileSync(
    path.join(dir, 'config.d/10-bastion'),
    [`Host bastion bastion-again`, `  HostName ${t.genAddr}`, ...login(t.knownHosts), 'Host bastion-unknown', `  HostName ${t.genAddr}`, ...login(path.join(dir, 'empty_known_hosts')), 'Host bastion-badkey', `  HostName ${t.genAddr}`, `  IdentityFile ${path.join(dir, 'wrong_key')}`, ...login(t.knownHosts).filter((l) => !l.includes('IdentityFile')), ''].join('\n'),
  );
  sshConfig = path.join(dir, 'ssh_config');
  writeFileSync(sshConfig, [`Include ${dir}/config.d/*`, 'Host inner', '  HostName 127.0.0.1', `  Port ${INNER_PORT}`, ...login(path.join(dir, 'inner_known_hosts')), '  ProxyJump bastion', 'Host inner-down', '  HostName 127.0.0.1', '  Port 2299', ...login(path.join(dir, 'inner_known_hosts')), '  ProxyJump bastion', ''].join('\n'));
}, 30_000);

afterAll(async () => {
  await Promise.allSettled(pools.map((p) => p.dispose()));
  if (innerSshd?.pid) {
    innerSshd.kill('SIGTERM');
    await innerSshd;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('ProxyJump through real sshds (needs root)', () => {
  it('runs a command on a host only the jump host reaches, verifying both host keys, and records the chain', async () => {
    const pool = newPool();
    const host = pool.get('inner');
    const r = await host.run('echo "$SSH_CONNECTION"');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${INNER_PORT}\\n$`)); // arrived over the namespace's loopback
    expect(host.trustRecord()).toMatchObject({
      host: `inner (127.0.0.1:${INNER_PORT})`,
      host_key: await fingerprint(path.join(dir, 'inner_host_key.pub')),
      proxy_jump: [{ host: `bastion (${testbed().genAddr}:22)`, user: 'harness-gen', known_hosts: [testbed().knownHosts, '/dev/null'], host_key: await fingerprint(testbed().hostKeyPub) }],
    });
    const connect = events.find((e) => e.kind === 'connect' && e.host === host.label);
    expect(connect).toMatchObject({ via: [`bastion (${testbed().genAddr}:22) (host key ${await fingerprint(testbed().hostKeyPub)})`] });
    await pool.dispose();
  });

  it('goes through two hops from the remote spec, and proxy_jump none connects directly (and fails here)', async () => {
    const pool = newPool();
    const twoHops = pool.get('inner', { proxy_jump: 'bastion,bastion-again' });
    expect((await twoHops.run('echo two hops')).stdout).toBe('two hops\n');
    expect(twoHops.trustRecord().proxy_jump.map((j) => j.host)).toEqual([`bastion (${testbed().genAddr}:22)`, `bastion-again (${testbed().genAddr}:22)`]);
    expect(pool.list()).toHaveLength(1);
    const direct = pool.get('inner', { proxy_jump: 'none' });
    await expect(direct.connect()).rejects.toBeInstanceOf(Error); // 127.0.0.1:2222 of the root namespace is not the inner sshd
    expect(pool.list()).toHaveLength(2);
    await pool.dispose();
  });

  it('an unknown host key on a jump host fails naming the hop and the chain, and leaves no connection open', async () => {
    const pool = newPool();
    const first = await pool
      .get('inner', { proxy_jump: 'bastion-unknown' })
      .connect()
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(first).toBeInstanceOf(HostKeyError);
    expect(first!.message).toContain(`Host key for jump host bastion-unknown (${testbed().genAddr}:22), hop 1 of 1 to inner (127.0.0.1:${INNER_PORT}) is unknown`);
    expect(first!.message).toContain(`ssh-keyscan -p 22 -t ed25519 ${testbed().genAddr} >> ${path.join(dir, 'empty_known_hosts')}`);
    expect(first!.message).toContain('A jump host is always verified');
    const second = await pool.get('inner', { proxy_jump: 'bastion,bastion-unknown' }).connect().catch((e: unknown) => e as Error);
    expect(second).toBeInstanceOf(HostKeyError);
    expect((second as Error).message).toContain(`Host key for jump host bastion-unknown (${testbed().genAddr}:22), hop 2 of 2 to inner`);
    await pool.dispose();
    await expect.poll(connectionsToJumpHost, { timeout: 5000 }).toBe(''); // earlier tests closed theirs
  });

  it('auth failure on a hop and an unreachable final host name the hop and the chain', async () => {
    const pool = newPool();
    const auth = await pool.get('inner', { proxy_jump: 'bastion-badkey' }).connect().catch((e: unknown) => e as RemoteConnectError);
    expect(auth).toMatchObject({ kind: 'auth' });
    expect((auth as Error).message).toContain(`Authentication failed for harness-gen@${testbed().genAddr}:22 (jump host bastion-badkey (${testbed().genAddr}:22), hop 1 of 1 to inner (127.0.0.1:${INNER_PORT}))`);
    expect((auth as Error).message).toContain(path.join(dir, 'wrong_key'));
    const down = await pool.get('inner-down').connect().catch((e: unknown) => e as RemoteConnectError);
    expect(down).toMatchObject({ kind: 'refused' });
    expect((down as Error).message).toContain(`jump host bastion (${testbed().genAddr}:22), hop 1 of 1 to inner-down (127.0.0.1:2299) could not open a connection to inner-down (127.0.0.1:2299): Connection refused`);
    await pool.dispose();
    await expect.poll(connectionsToJumpHost, { timeout: 5000 }).toBe('');
  });

  it('a dropped jump connection fails the running command like a dropped direct one; the next use reconnects the chain', async () => {
    const host = newPool().get('inner');
    expect((await host.run('echo before')).stdout).toBe('before\n');
    const token = uniqueToken('pj');
    const running = host.run(`sleep 2; echo ${token}`, { timeoutMs: 20_000 });
    running.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    // The jump host's sshd sessions (the testbed sshd's children and theirs), not the inner sshd's.
    const bastionSshd = Number(readFileSync(path.join(testbed().dir, 'sshd.pid'), 'utf8'));
    // (A session with only a forwarding channel is titled `sshd: harness-gen`, without @notty.)
    const all = (await namespaceProcesses(testbed().ns)).map((p) => p.pid);
    const monitors = all.filter((pid) => parentOf(pid) === bastionSshd);
    const bastionSessions = all.filter((pid) => monitors.includes(pid) || monitors.includes(parentOf(pid)));
    expect(bastionSessions.length).toBeGreaterThan(0);
    for (const pid of bastionSessions) process.kill(pid, 'SIGKILL');
    const err = await running.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(RemoteConnectError);
    expect((err as RemoteConnectError).kind).toBe('lost');
    expect(err!.message).toContain(`Connection to inner (127.0.0.1:${INNER_PORT}) lost while running`);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'disconnect', host: host.label }));
    expect((await host.run('echo after')).stdout).toBe('after\n');
    expect(host.connectCount).toBe(2);
    expect(await waitNoneWith(testbed().ns, token)).toEqual([]);
  });

  it('closing the pool closes the host and every jump connection: no ssh2 connection, no sshd session left', async () => {
    const pool = newPool();
    const host = pool.get('inner', { proxy_jump: 'bastion,bastion-again' });
    await host.run('true');
    expect(await connectionsToJumpHost()).not.toBe('');
    expect((await sshdSessionPids(testbed().ns)).length).toBeGreaterThan(0);
    await Promise.all(pools.map((p) => p.dispose()));
    await expect.poll(connectionsToJumpHost, { timeout: 5000 }).toBe('');
    // Only the two listening sshds are left in the namespace: every session process is gone.
    const listeners = [Number(readFileSync(path.join(testbed().dir, 'sshd.pid'), 'utf8')), innerSshd!.pid];
    await expect.poll(async () => (await namespaceProcesses(testbed().ns)).filter((p) => !listeners.includes(p.pid)), { timeout: 5000 }).toEqual([]);
  });
});

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}
