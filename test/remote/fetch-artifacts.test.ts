// SFTP copy-back against a real sshd on a test-only generator node (needs root), plus one crafted
// SFTP server (see crafted-sftp-server.ts) for names a real file system cannot hold.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError } from '../../harness/process/index.ts';
import { fetchRemoteArtifacts, RemoteHost, RemoteHostPool, RemoteProcess, resolveSshHost } from '../../harness/remote/index.ts';
import { startCraftedSftpServer } from './crafted-sftp-server.ts';
import { listDir, uniqueToken, useTestbed } from './testbed-instance.ts';

const testbed = useTestbed({ ns: 'msh-rf', subnetId: 4 });
const token = uniqueToken('fetch');
const workdir = `~/MicroSentinel/${token}`;
let pool: RemoteHostPool;
let host: RemoteHost;
let local: string;

// The remote tree: ordinary files, odd-but-legal names, symlinks in and out of the fetched folder.
const SETUP = `set -e; mkdir -p ${workdir} && cd ${workdir}
mkdir -p metrics/sub metrics/empty truth truth-dir
echo '{"ok":1}' > metrics/a.json; echo '{"b":2}' > metrics/sub/b.json
echo dash > metrics/-rf; echo space > 'metrics/a b'; echo dots > metrics/..foo; printf nl > "metrics/line$(printf '\\nx')"
dd if=/dev/urandom of=metrics/big.bin bs=1M count=5 2>/dev/null
ln -s a.json metrics/link-in; ln -s /etc/passwd metrics/link-out; ln -s ../secret.txt metrics/link-up; echo secret > secret.txt
echo '{"truth":true}' > truth/kv_truth.json; echo x > truth-dir/x.log; echo y > truth-dir/y.log`;

function artifactDir(name: string): string {
  const dir = path.join(local, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function fetchLog(dir: string): string[] {
  return readFileSync(path.join(dir, 'remote_fetch.log'), 'utf8').trimEnd().split('\n');
}

beforeAll(async () => {
  local = mkdtempSync(path.join(os.tmpdir(), 'remote-fetch-'));
  pool = new RemoteHostPool({ sshConfigPath: testbed().sshConfig });
  host = pool.get('gen1');
  const r = await host.run(SETUP);
  if (r.exitCode !== 0) throw new Error(`remote setup failed: ${r.stderr}`);
});

afterAll(async () => {
  await host?.run(`rm -rf ${workdir}`).catch(() => undefined);
  await pool?.dispose();
  rmSync(local, { recursive: true, force: true });
});

describe('fetchRemoteArtifacts over SFTP (real sshd, needs root)', () => {
  it('copies metrics_dir into metrics/ and extra_artifacts into truth/ or their dest, recursively, byte for byte', async () => {
    const dir = artifactDir('full');
    const records = await fetchRemoteArtifacts(host, { workdir, metrics_dir: 'metrics', extra_artifacts: ['truth/kv_truth.json', 'truth-dir', { path: `${workdir}/truth/kv_truth.json`, dest: 'remote' }] }, dir);
    const base = `/home/harness-gen/MicroSentinel/${token}`;
    expect(records.map((r) => [r.source, r.resolved, r.destination, r.kind, r.files])).toEqual([
      ['metrics', `${base}/metrics`, 'metrics/', 'directory', 8],
      ['truth/kv_truth.json', `${base}/truth/kv_truth.json`, 'truth/kv_truth.json', 'file', 1],
      ['truth-dir', `${base}/truth-dir`, 'truth/truth-dir/', 'directory', 2],
      [`${workdir}/truth/kv_truth.json`, `${base}/truth/kv_truth.json`, 'remote/kv_truth.json', 'file', 1],
    ]);
    expect(listDir(path.join(dir, 'metrics'))).toEqual(['-rf', '..foo', 'a b', 'a.json', 'big.bin', 'empty', 'line\nx', 'link-in', 'sub', 'sub/b.json'].sort());
    expect(readFileSync(path.join(dir, 'metrics/sub/b.json'), 'utf8')).toBe('{"b":2}\n');
    expect(readFileSync(path.join(dir, 'metrics/link-in'), 'utf8')).toBe('{"ok":1}\n');
    expect(lstatSync(path.join(dir, 'metrics/link-in')).isFile()).toBe(true);
    expect(readFileSync(path.join(dir, 'truth/kv_truth.json'), 'utf8')).toBe('{"truth":true}\n');
    expect(listDir(path.join(dir, 'truth/truth-dir'))).toEqual(['x.log', 'y.log']);
    expect(existsSync(path.join(dir, 'remote/kv_truth.json'))).toBe(true);
    const remoteSum = (await host.run(`sha256sum ${workdir}/metrics/big.bin`)).stdout.split(' ')[0];
    expect(createHash('sha256').update(readFileSync(path.join(dir, 'metrics/big.bin'))).digest('hex')).toBe(remoteSum);
    expect(records[0]!.bytes).toBeGreaterThan(5 * 1024 * 1024);
    // Symlinks leading out of the fetched folder are refused, and say so.
    expect(records[0]!.error).toContain(`${base}/metrics/link-out: symlink points to /etc/passwd, outside ${base}/metrics: not fetched`);
    expect(records[0]!.error).toContain(`${base}/metrics/link-up: symlink points to ${base}/secret.txt, outside`);
    expect(records.slice(1).map((r) => r.error)).toEqual([null, null, null]);
    expect(existsSync(path.join(dir, 'metrics/link-out'))).toBe(false);
    expect(existsSync(path.join(dir, 'secret.txt'))).toBe(false);
    // remote_fetch.log: one line per transfer (per-file problems indented below it).
    const lines = fetchLog(dir);
    const heads = lines.filter((l) => !l.startsWith('    '));
    expect(heads).toHaveLength(4);
    expect(heads[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+ FAIL gen1 \\(${testbed().genAddr}:22\\):${base}/metrics -> metrics/ \\(8 file\\(s\\), \\d+ bytes, \\d+ ms\\)$`));
    expect(heads[1]).toMatch(new RegExp(`OK   gen1 \\(${testbed().genAddr}:22\\):${base}/truth/kv_truth.json -> truth/kv_truth.json \\(1 file\\(s\\), 15 bytes, \\d+ ms\\)$`));
    expect(lines.filter((l) => l.startsWith('    error: '))).toHaveLength(2);
  });

  it('fetches after a failed run too', async () => {
    const dir = artifactDir('failed-run');
    const p = new RemoteProcess({ name: 'writes-then-fails', argv: ['sh', '-c', 'mkdir -p run-out && echo \'{"n":3}\' > run-out/m.json && exit 3'], host, workdir, logPath: path.join(dir, 'client.log') });
    await p.start();
    await expect(p.wait()).rejects.toBeInstanceOf(CommandError);
    const [rec] = await fetchRemoteArtifacts(host, { workdir, metrics_dir: `${workdir}/run-out` }, dir);
    expect(rec).toMatchObject({ kind: 'directory', files: 1, error: null });
    expect(readFileSync(path.join(dir, 'metrics/m.json'), 'utf8')).toBe('{"n":3}\n');
  });

  it('a missing remote metrics_dir gives the troubleshooting answer in the record and the log', async () => {
    const dir = artifactDir('missing');
    const [rec] = await fetchRemoteArtifacts(host, { workdir, metrics_dir: 'no-such-dir' }, dir);
    const abs = `/home/harness-gen/MicroSentinel/${token}/no-such-dir`;
    expect(rec).toMatchObject({ kind: 'missing', files: 0, bytes: 0 });
    expect(rec!.error).toContain(`Remote metrics_dir no-such-dir (${abs}) does not exist on gen1 (${testbed().genAddr}:22)`);
    expect(rec!.error).toContain(`ssh -F ${testbed().sshConfig} gen1 'mkdir -p ${abs}'`);
    expect(rec!.error).toContain('the command writes files there');
    expect(fetchLog(dir)[0]).toMatch(/ FAIL gen1 .*no-such-dir -> metrics\/ \(0 file\(s\)/);
  });

  it('never writes through a symlink planted in the local artifact folder', async () => {
    const dir = artifactDir('local-trap');
    const outside = path.join(local, 'outside.txt');
    writeFileSync(outside, 'untouched');
    mkdirSync(path.join(dir, 'metrics'), { recursive: true });
    symlinkSync(outside, path.join(dir, 'metrics/a.json'));
    const [rec] = await fetchRemoteArtifacts(host, { workdir, metrics_dir: 'metrics' }, dir);
    expect(readFileSync(outside, 'utf8')).toBe('untouched');
    expect(rec!.error).toMatch(/metrics\/a\.json: destination .*a\.json is a symlink; not writing through it/);
  });

  it('records the connection failure for every artifact when no SFTP session opens', async () => {
    const dir = artifactDir('unreachable');
    const down = new RemoteHost(resolveSshHost('gen1', { configPath: testbed().sshConfig, overrides: { port: 2 } }), { connectTimeoutMs: 2000 });
    const records = await fetchRemoteArtifacts(down, { metrics_dir: 'm', extra_artifacts: ['t.json'] }, dir);
    expect(records.map((r) => r.kind)).toEqual(['missing', 'missing']);
    expect(records[0]!.error).toContain(`metrics_dir: Connection refused by gen1 (${testbed().genAddr}:2)`);
    expect(fetchLog(dir).filter((l) => l.includes(' FAIL '))).toHaveLength(2);
    await down.dispose();
  });
});

describe('fetchRemoteArtifacts against a crafted SFTP server (loopback)', () => {
  it('rejects remote names with .., absolute paths or separators; nothing lands outside the artifact folder', async () => {
    const sandbox = mkdtempSync(path.join(os.tmpdir(), 'crafted-'));
    const server = await startCraftedSftpServer(sandbox, ['../../escape.txt', '/tmp/crafted-abs.txt', 'sub/evil.txt', '..', '.']);
    const crafted = new RemoteHost(resolveSshHost('127.0.0.1', { configPath: path.join(sandbox, 'no_config'), overrides: { port: server.port, user: 'x', identityFile: server.identity, knownHosts: server.knownHosts } }));
    try {
      const dir = path.join(sandbox, 'run', 'artifacts');
      const [rec] = await fetchRemoteArtifacts(crafted, { metrics_dir: server.root }, dir);
      expect(rec).toMatchObject({ kind: 'directory', files: 1, destination: 'metrics/' });
      expect(listDir(sandbox).filter((f) => !f.startsWith('crafted_'))).toEqual(['run', 'run/artifacts', 'run/artifacts/metrics', 'run/artifacts/metrics/ok.txt', 'run/artifacts/remote_fetch.log']);
      expect(existsSync('/tmp/crafted-abs.txt')).toBe(false);
      for (const name of ['../../escape.txt', '/tmp/crafted-abs.txt', 'sub/evil.txt']) {
        expect(rec!.error).toContain(`unsafe remote file name ${JSON.stringify(name)} rejected`);
      }
      expect(fetchLog(dir).filter((l) => l.includes('unsafe remote file name'))).toHaveLength(3);
    } finally {
      await crafted.dispose();
      await server.close();
      rmSync(sandbox, { recursive: true, force: true });
    }
  });
});
