// Deploying to a real generator node: the testbed's namespace with its own filesystem view (a
// 16 MiB home, no checkout), reached over ssh2/SFTP. Needs root; fails (never skips) without it.
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteHostPool, type RemoteHost } from '../../harness/remote/index.ts';
import { buildBundle, DeployError, deployToHost, verifyDeployment, type Bundle } from '../../harness/deploy/index.ts';
import type { TempProject } from '../helpers/temp-project.ts';
import { runCli } from '../helpers/cli.ts';
import { useTestbed } from '../remote/testbed-instance.ts';
import { workloadsProject } from './deploy-project.ts';

const testbed = useTestbed({ ns: 'msh-dp', subnetId: 6, env: { TESTBED_GEN_DISK_MB: '16' }, workdir: false });
const HOME = '/home/harness-gen';
const opts = { deployedBy: 'test@server' };

let project: TempProject;
let bundle: Bundle;
let pool: RemoteHostPool;
let host: RemoteHost;
const stubs = path.join(os.tmpdir(), `deploy-node-stubs-${process.pid}`);

beforeAll(async () => {
  project = workloadsProject('deploy-remote-');
  bundle = await buildBundle(project.root);
  pool = new RemoteHostPool({ sshConfigPath: testbed().sshConfig });
  host = pool.get('gen1');
  mkdirSync(stubs, { recursive: true });
}, 60_000);

afterAll(async () => {
  await pool?.dispose();
  project?.dispose();
  rmSync(stubs, { recursive: true, force: true });
});

// The problem of a rejected deploy or verification.
async function problemOf(p: Promise<unknown>): Promise<DeployError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeployError);
  return err as DeployError;
}

// A generator-node folder made from the server node (as another user would have made it).
function genDir(rel: string, mode: number, owner = 0): string {
  const p = testbed().genPath(`${HOME}/${rel}`);
  mkdirSync(p, { recursive: true });
  chmodSync(p, mode);
  chownSync(p, owner, owner);
  return p;
}

describe('harness deploy to a generator node (real sshd, own filesystem view, needs root)', () => {
  it('deploys to an empty workdir: creates it, uploads every bundle and the manifest, and the programs run with plain node there', async () => {
    const r = await deployToHost(host, '~/MicroSentinel', bundle, { ...opts, extraDirs: ['~/MicroSentinel/artifacts/remote'] });
    expect(r).toMatchObject({ host: `gen1 (${testbed().genAddr}:22)`, hash: bundle.hash, skipped: false, files_uploaded: bundle.files.length, bytes_uploaded: bundle.bytes });
    const dir = testbed().genPath(`${HOME}/MicroSentinel/.harness/bundle`);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { hash: string; files: Record<string, unknown> };
    expect(manifest.hash).toBe(bundle.hash);
    expect(Object.keys(manifest.files).sort()).toEqual(bundle.files.map((f) => f.name).sort());
    expect(statSync(testbed().genPath(`${HOME}/MicroSentinel/artifacts/remote`)).isDirectory()).toBe(true);
    const run = await host.run('cd ~/MicroSentinel && node .harness/bundle/kv-generator.mjs --help');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toContain('--rate');
  });

  it('re-deploys as a no-op when the hash matches, and replaces only a file that changed on the host', async () => {
    const file = testbed().genPath(`${HOME}/MicroSentinel/.harness/bundle/kv-server.mjs`);
    const before = statSync(file).mtimeMs;
    const again = await deployToHost(host, '~/MicroSentinel', bundle, opts);
    expect(again).toMatchObject({ skipped: true, files_uploaded: 0, bytes_uploaded: 0 });
    expect(statSync(file).mtimeMs).toBe(before);
    writeFileSync(file, 'tampered');
    const repaired = await deployToHost(host, '~/MicroSentinel', bundle, opts);
    expect(repaired).toMatchObject({ skipped: false, files_uploaded: 1 });
    expect(readFileSync(file)).toEqual(Buffer.from(bundle.files.find((f) => f.name === 'kv-server.mjs')!.contents));
  });

  it('verifies a current deployment and records its hash', async () => {
    const rec = await verifyDeployment(host, '~/MicroSentinel', project.root, ['kv-generator.mjs']);
    expect(rec).toMatchObject({ host: `gen1 (${testbed().genAddr}:22)`, workdir: '~/MicroSentinel', hash: bundle.hash, deployed_by: 'test@server' });
    expect(rec.node_version).toMatch(/^v\d+\./);
  });

  it('refuses a stale deployment: a source changed here, a program not deployed, a bundle altered there', async () => {
    const src = path.join(project.root, 'experiments/workloads/lib/args.ts');
    const original = readFileSync(src, 'utf8');
    writeFileSync(src, `${original}\n// changed\n`);
    try {
      const err = await problemOf(verifyDeployment(host, '~/MicroSentinel', project.root, ['kv-generator.mjs']));
      expect(err.problem).toBe('stale');
      expect(err.message).toContain(`generator code on gen1 is stale (deployed ${bundle.hash.slice(0, 12)})`);
      expect(err.message).toContain('changed since it was deployed');
      expect(err.message).toContain('experiments/workloads/lib/args.ts');
      expect(err.message).toContain('fix: run npx harness deploy');
    } finally {
      writeFileSync(src, original);
    }
    const missing = await problemOf(verifyDeployment(host, '~/MicroSentinel', project.root, ['kv-new-program.mjs']));
    expect(missing.message).toContain('not in the deployed bundle: kv-new-program.mjs');
    writeFileSync(testbed().genPath(`${HOME}/MicroSentinel/.harness/bundle/nfv-sink.mjs`), 'x');
    const altered = await problemOf(verifyDeployment(host, '~/MicroSentinel', project.root, ['kv-generator.mjs']));
    expect(altered.message).toContain('missing or altered on the host: nfv-sink.mjs');
    await deployToHost(host, '~/MicroSentinel', bundle, opts);
  });

  it('refuses a host where nothing was deployed', async () => {
    const err = await problemOf(verifyDeployment(host, '~/never-deployed', project.root, ['kv-generator.mjs']));
    expect(err.problem).toBe('not-deployed');
    expect(err.message).toContain(`generator code is not deployed on gen1 (gen1 (${testbed().genAddr}:22)): ${HOME}/never-deployed/.harness/bundle/manifest.json does not exist`);
  });

  it('reports a workdir created by another user, one not writable, one that cannot be created, and a bundle folder of another user', async () => {
    genDir('foreign', 0o755);
    const foreign = await problemOf(deployToHost(host, '~/foreign', bundle, opts));
    expect(foreign.problem).toBe('workdir-foreign-owner');
    expect(foreign.message).toContain(`Remote workdir ~/foreign (${HOME}/foreign) on gen1 (${testbed().genAddr}:22) was created by another user (root, uid 0), not by harness-gen who logs in`);
    expect(foreign.message).toContain(`fix: give it to harness-gen (ssh gen1 sudo chown -R harness-gen: ${HOME}/foreign)`);

    const uid = Number((await host.run('id -u')).stdout.trim());
    genDir('readonly', 0o555, uid);
    const readonly = await problemOf(deployToHost(host, '~/readonly', bundle, opts));
    expect(readonly.problem).toBe('workdir-not-writable');
    expect(readonly.message).toContain(`Remote workdir ~/readonly (${HOME}/readonly) on gen1 (${testbed().genAddr}:22) is not writable by harness-gen`);
    expect(readonly.message).toContain(`fix: ssh gen1 chmod u+rwx ${HOME}/readonly`);

    const uncreatable = await problemOf(deployToHost(host, '/opt/MicroSentinel', bundle, opts));
    expect(uncreatable.problem).toBe('workdir-not-writable');
    expect(uncreatable.message).toContain('Remote workdir /opt/MicroSentinel does not exist on gen1');
    // The generator root has no /opt: its nearest existing parent is /.
    expect(uncreatable.message).toContain('harness-gen cannot create it: / is not writable by harness-gen (owner root)');

    genDir('shared', 0o755, uid);
    genDir('shared/.harness/bundle', 0o755);
    const denied = await problemOf(deployToHost(host, '~/shared', bundle, opts));
    expect(denied.problem).toBe('permission-denied');
    expect(denied.message).toContain(`Permission denied: ${HOME}/shared/.harness/bundle on gen1 (${testbed().genAddr}:22) is owned by uid 0`);

    // A file of another user in the way of an upload: SFTP's own "permission denied", explained.
    genDir('blocked/.harness/bundle', 0o755, uid);
    chownSync(testbed().genPath(`${HOME}/blocked`), uid, uid);
    chownSync(testbed().genPath(`${HOME}/blocked/.harness`), uid, uid);
    writeFileSync(testbed().genPath(`${HOME}/blocked/.harness/bundle/kv-server.mjs.tmp`), 'root was here', { mode: 0o644 });
    const blocked = await problemOf(deployToHost(host, '~/blocked', bundle, opts));
    expect(blocked.problem).toBe('permission-denied');
    expect(blocked.message).toContain(`Permission denied writing ${HOME}/blocked/.harness/bundle on gen1 (${testbed().genAddr}:22)`);
  });

  it('reports a full disk before uploading', async () => {
    // The generator's home is a 16 MiB tmpfs: leave about 1 MiB of it.
    const filler = testbed().genPath(`${HOME}/filler`);
    const free = Number((await host.run("df -Pk ~ | awk 'NR==2 {print $4}'")).stdout.trim());
    writeFileSync(filler, Buffer.alloc(Math.max(0, free - 1024) * 1024));
    try {
      const err = await problemOf(deployToHost(host, '~/second', bundle, opts));
      expect(err.problem).toBe('disk-full');
      expect(err.message).toMatch(new RegExp(`Disk full on gen1 \\(${testbed().genAddr.replaceAll('.', '\\.')}:22\\): ${HOME} has \\d+ KiB free, the workload bundle needs \\d+ KiB`));
    } finally {
      rmSync(filler);
    }
  });

  it('reports a generator node without Node.js, and one with a too old Node.js, naming the host and what to install', async () => {
    // Stand-ins laid over the node binary of the generator root (test doubles: this machine has one Node).
    writeFileSync(path.join(stubs, 'no-node'), '#!/bin/sh\necho "sh: 1: node: not found" >&2\nexit 127\n', { mode: 0o755 });
    writeFileSync(path.join(stubs, 'old-node'), '#!/bin/sh\necho v16.20.2\n', { mode: 0o755 });
    try {
      await testbed().reup({ TESTBED_NODE_STUB: path.join(stubs, 'no-node') });
      const none = await problemOf(deployToHost(pool.get('gen1'), '~/MicroSentinel', bundle, opts));
      expect(none.problem).toBe('no-node');
      expect(none.message).toContain(`Node.js is not installed on gen1 (${testbed().genAddr}:22)`);
      expect(none.message).toContain('fix: install Node.js 20 or newer on it');
      expect((await problemOf(verifyDeployment(pool.get('gen1'), '~/MicroSentinel', project.root, []))).problem).toBe('no-node');

      await testbed().reup({ TESTBED_NODE_STUB: path.join(stubs, 'old-node') });
      const old = await problemOf(deployToHost(pool.get('gen1'), '~/MicroSentinel', bundle, opts));
      expect(old.problem).toBe('old-node');
      expect(old.message).toContain(`Node.js on gen1 (${testbed().genAddr}:22) is v16.20.2, too old: the bundled workload programs need Node.js 20 or newer`);
    } finally {
      await testbed().reup();
    }
  });

  it('harness deploy --host deploys from the CLI, then finds nothing to do', async () => {
    const args = ['--root', project.root, 'deploy', '--host', 'gen1', '--ssh-config', testbed().sshConfig, '--workdir', '~/cli'];
    const first = await runCli(args, { cwd: project.root });
    expect(first.exitCode, first.all).toBe(0);
    expect(first.all).toMatch(new RegExp(`deploy: gen1 \\(${testbed().genAddr.replaceAll('.', '\\.')}:22\\):~/cli [0-9a-f]{12} ${bundle.files.length} file\\(s\\)`));
    const second = await runCli(args, { cwd: project.root });
    expect(second.exitCode, second.all).toBe(0);
    expect(second.all).toContain('up to date');
    expect(second.all).toContain('every host runs a bundle of these sources: nothing to build');
  });
});
