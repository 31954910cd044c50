// Deploy figures on the default testbed (npm run testbed:up first): bundling the workload
// programs, deploying them to an empty workdir on the generator node, and a no-op re-deploy (hash
// matches: one probe command, nothing written), and the check every remote run makes. Run: node --import tsx bench/deploy.ts
// (BENCH_DEPLOY_RUNS=5 to change the count).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildBundle, deployAll, deployToHost, verifyDeployment, type DeployTarget } from '../harness/deploy/index.ts';
import { RemoteHostPool } from '../harness/remote/index.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SSH_CONFIG = path.join(ROOT, '.testbed/ssh_config');
const RUNS = Number(process.env.BENCH_DEPLOY_RUNS ?? 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main(): Promise<void> {
  if (!existsSync(SSH_CONFIG)) {
    console.error(`bench/deploy: ${SSH_CONFIG} is missing: bring the default testbed up first (npm run testbed:up)`);
    process.exit(1);
  }
  const builds: number[] = [];
  let bundle = await buildBundle(ROOT);
  for (let i = 0; i < RUNS; i++) {
    bundle = await buildBundle(ROOT);
    builds.push(bundle.buildMs);
  }
  const pool = new RemoteHostPool({ sshConfigPath: SSH_CONFIG });
  const host = pool.get('gen1');
  const workdir = `~/bench-deploy-${process.pid}`;
  const opts = { deployedBy: 'bench' };
  try {
    await host.connect();
    const empty: number[] = [];
    const noop: number[] = [];
    const verify: number[] = [];
    const fast: number[] = [];
    const target: DeployTarget = { alias: 'gen1', spec: { host: 'gen1', workdir, extra_artifacts: [], instances: 1, strict_host_key_checking: true, ssh_config: SSH_CONFIG }, workdir, extraDirs: [], programs: ['kv-generator.mjs'] };
    for (let i = 0; i < RUNS; i++) {
      await host.run(`rm -rf ${workdir}`);
      const r = await deployToHost(host, workdir, bundle, opts);
      if (r.skipped || r.files_uploaded !== bundle.files.length) throw new Error(`bench/deploy: expected a full upload, got ${JSON.stringify(r)}`);
      empty.push(r.duration_ms);
      const again = await deployToHost(host, workdir, bundle, opts);
      if (!again.skipped) throw new Error(`bench/deploy: expected a no-op re-deploy, got ${JSON.stringify(again)}`);
      noop.push(again.duration_ms);
      const t0 = performance.now();
      await verifyDeployment(host, workdir, ROOT, ['kv-generator.mjs']);
      verify.push(Math.round(performance.now() - t0));
      // What `harness run` / `harness deploy` do when nothing changed: check, do not even bundle.
      const all = await deployAll([target], ROOT, pool);
      if (all.bundle || !all.outcomes.every((o) => 'record' in o && o.record.skipped)) throw new Error('bench/deploy: expected the no-build fast path');
      fast.push(all.durationMs);
    }
    console.log(`bundle: ${bundle.files.length} programs, ${(bundle.bytes / 1e6).toFixed(2)} MB, ${Object.keys(bundle.inputs).length} source files`);
    console.log(`deploy summary (median of ${RUNS}, pooled connection ${host.label})`);
    console.log(`  bundle with esbuild (in memory):        ${median(builds)} ms`);
    console.log(`  deploy to an empty workdir:             ${median(empty)} ms   (probe, mkdir, ${bundle.files.length} SFTP uploads, manifest)`);
    console.log(`  no-op re-deploy, bundle at hand:        ${median(noop)} ms   (one probe command, hash matches)`);
    console.log(`  no-op deploy as harness run does it:    ${median(fast)} ms   (probe + hashing the sources here; no bundling)`);
    console.log(`  check before each remote run:           ${median(verify)} ms   (probe + hashing the sources here)`);
  } finally {
    await host.run(`rm -rf ${workdir}`).catch(() => undefined);
    await pool.dispose();
  }
}

await main();
