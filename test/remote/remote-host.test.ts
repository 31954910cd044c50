// RemoteHost / RemoteHostPool against a real sshd on a test-only generator node (needs root):
// trust (known_hosts), authentication, unreachable hosts, pooling and reconnects.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostKeyError, RemoteConnectError, RemoteHost, RemoteHostPool, resolveSshHost, type HostOverrides } from '../../harness/remote/index.ts';
import { sshdSessionPids, useTestbed } from './testbed-instance.ts';

const testbed = useTestbed({ ns: 'msh-rh', subnetId: 3 });
let dir: string;
const hosts: RemoteHost[] = [];

function hostWith(overrides: HostOverrides, connectTimeoutMs = 5000): RemoteHost {
  const h = new RemoteHost(resolveSshHost('gen1', { configPath: testbed().sshConfig, overrides }), { connectTimeoutMs });
  hosts.push(h);
  return h;
}

async function connectError(h: RemoteHost): Promise<Error> {
  const err = await h.connect().then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!err) throw new Error('expected the connection to fail');
  return err;
}

async function keygen(name: string, passphrase = ''): Promise<string> {
  const file = path.join(dir, name);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', file]);
  return file;
}

async function hostKeyFingerprint(): Promise<string> {
  const r = await execa('ssh-keygen', ['-l', '-f', testbed().hostKeyPub]);
  return r.stdout.split(' ')[1]!;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'remote-host-'));
});

afterAll(async () => {
  await Promise.allSettled(hosts.map((h) => h.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

describe('RemoteHost trust, auth and reachability on a real sshd (needs root)', () => {
  it('resolves gen1 through the ssh_config and pools one connection for the alias and its address', async () => {
    const pool = new RemoteHostPool({ sshConfigPath: testbed().sshConfig });
    try {
      const a = pool.get('gen1');
      expect(pool.get(testbed().genAddr)).toBe(a);
      expect(a.target).toMatchObject({ hostName: testbed().genAddr, port: 22, user: 'harness-gen', identityFiles: [testbed().identity], knownHostsFiles: [testbed().knownHosts, '/dev/null'] });
      const results = await Promise.all([a.run('echo one'), a.run('echo two'), a.run('exit 7')]);
      expect(results.map((r) => [r.stdout.trim(), r.exitCode])).toEqual([
        ['one', 0],
        ['two', 0],
        ['', 7],
      ]);
      expect(a.connectCount).toBe(1);
      expect(a.trustRecord()).toMatchObject({ strict_host_key_checking: true, host_key: `ssh-ed25519 ${await hostKeyFingerprint()}` });
    } finally {
      await pool.dispose();
    }
    await expect(pool.get('gen1').connect()).resolves.toBeDefined(); // a disposed pool hands out fresh hosts
    await pool.dispose();
  });

  it('accepts a hashed known_hosts entry (ssh-keygen -H)', async () => {
    const file = path.join(dir, 'hashed_known_hosts');
    copyFileSync(testbed().knownHosts, file);
    await execa('ssh-keygen', ['-H', '-f', file]);
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    const h = hostWith({ knownHosts: file });
    expect((await h.run('echo ok')).stdout).toBe('ok\n');
  });

  it('an unknown host key fails with the offered fingerprint and the exact command that adds it; that command works', async () => {
    const file = path.join(dir, 'empty_known_hosts');
    writeFileSync(file, '# nothing known yet\n');
    const err = await connectError(hostWith({ knownHosts: file }));
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as HostKeyError).kind).toBe('unknown');
    const fp = await hostKeyFingerprint();
    expect((err as HostKeyError).fingerprint).toBe(fp);
    const keyscan = `ssh-keyscan -p 22 -t ed25519 ${testbed().genAddr} >> ${file}`;
    expect(err.message).toContain(`Host key for gen1 (${testbed().genAddr}:22) is unknown`);
    expect(err.message).toContain(`The server offered ssh-ed25519 ${fp}`);
    expect(err.message).toContain(keyscan);
    expect(err.message).toContain('bash testbed/testbed.sh up');
    expect(err.message).toContain('strict_host_key_checking: false');
    await execa('sh', ['-c', keyscan]);
    expect((await hostWith({ knownHosts: file }).run('echo added')).stdout).toBe('added\n');
  });

  it('a changed host key fails loudly, naming the known_hosts file and line', async () => {
    const other = await keygen('impostor_host_key');
    const file = path.join(dir, 'changed_known_hosts');
    writeFileSync(file, `# line 1 is a comment\n${testbed().genAddr} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    const err = await connectError(hostWith({ knownHosts: file }));
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as HostKeyError).kind).toBe('changed');
    expect(err.message).toContain(`WARNING: host key CHANGED for gen1 (${testbed().genAddr}:22)`);
    expect(err.message).toContain(`${file}:2 holds a different ssh-ed25519 key`);
    expect(err.message).toContain(`ssh-keygen -f ${file} -R '${testbed().genAddr}'`);
  });

  it('strict_host_key_checking: false connects without known_hosts and says so in the trust record', async () => {
    const file = path.join(dir, 'none_known_hosts');
    writeFileSync(file, '');
    const h = hostWith({ knownHosts: file, strictHostKeyChecking: false });
    expect((await h.run('echo unchecked')).stdout).toBe('unchecked\n');
    expect(h.trustRecord()).toMatchObject({ strict_host_key_checking: false, known_hosts: [file], host_key: `ssh-ed25519 ${await hostKeyFingerprint()}` });
  });

  it('auth failure names the user, host and the key file that was refused', async () => {
    const wrong = await keygen('not_authorized');
    const err = await connectError(hostWith({ identityFile: wrong }));
    expect(err).toBeInstanceOf(RemoteConnectError);
    expect((err as RemoteConnectError).kind).toBe('auth');
    expect(err.message).toContain(`Authentication failed for harness-gen@${testbed().genAddr}:22 (gen1)`);
    expect(err.message).toContain(`${wrong} (ssh-ed25519 SHA256:`);
    expect(err.message).toContain('authorized_keys');
  });

  it('an encrypted or missing identity file is named before connecting', async () => {
    const locked = await keygen('locked', 'secret-pass');
    const enc = await connectError(hostWith({ identityFile: locked }));
    expect((enc as RemoteConnectError).kind).toBe('identity');
    expect(enc.message).toContain(`Identity file ${locked} for gen1 is encrypted`);
    const missing = await connectError(hostWith({ identityFile: path.join(dir, 'nope') }));
    expect(missing.message).toContain(`identity_file ${path.join(dir, 'nope')} for gen1 does not exist`);
  });

  it('a port without a listener on the generator address is refused quickly, naming host and port', async () => {
    const began = Date.now();
    const err = await connectError(hostWith({ port: 2222 }));
    expect(Date.now() - began).toBeLessThan(3000);
    expect((err as RemoteConnectError).kind).toBe('refused');
    expect(err.message).toContain(`Connection refused by gen1 (${testbed().genAddr}:2222)`);
  });

  it('a listener that never speaks SSH times out within the bounded connect timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s)); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, testbed().serverAddr, resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const t = resolveSshHost(testbed().serverAddr, { configPath: testbed().sshConfig, overrides: { port, user: 'harness-gen', identityFile: testbed().identity } });
      const h = new RemoteHost(t, { connectTimeoutMs: 1000 });
      hosts.push(h);
      const began = Date.now();
      const err = await connectError(h);
      const took = Date.now() - began;
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(4000);
      expect((err as RemoteConnectError).kind).toBe('timeout');
      expect(err.message).toContain(`Timed out after 1000 ms connecting to ${testbed().serverAddr}:${port}`);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('reconnects on the next use after the connection dropped while idle', async () => {
    const h = hostWith({});
    expect((await h.run('echo first')).stdout).toBe('first\n');
    for (const pid of await sshdSessionPids(testbed().ns)) process.kill(pid, 'SIGKILL');
    await expect.poll(() => h.connected, { timeout: 5000 }).toBe(false);
    expect((await h.run('echo second')).stdout).toBe('second\n');
    expect(h.connectCount).toBe(2);
  });

  it('a disposed host refuses further use', async () => {
    const h = hostWith({});
    await h.run('true');
    await h.dispose();
    await expect(h.run('true')).rejects.toThrow(/disposed/);
  });
});
