import { createRequire } from 'node:module';
import os from 'node:os';
import { quoteArg } from '../util/quote.ts';
import type { RemoteHostPool } from '../remote/index.ts';
import { buildBundle, NODE_TARGET_MAJOR, type Bundle } from './bundle.ts';
import { DeployError } from './deploy-error.ts';
import { deployToHost, type DeployRecord } from './deploy-host.ts';
import type { DeployTarget } from './targets.ts';
import { verifyDeployment } from './verify.ts';

export type DeployOutcome = { target: DeployTarget; record: DeployRecord } | { target: DeployTarget; error: Error };

export interface DeployAllResult {
  /** undefined when every host already ran a bundle of these sources (nothing was built). */
  bundle: Bundle | undefined;
  outcomes: DeployOutcome[];
  durationMs: number;
}

// Bundle once, then deploy to every target in parallel; one host's failure does not stop the others.
export async function deployAll(targets: readonly DeployTarget[], rootDir: string, pool: RemoteHostPool, bundle?: Bundle): Promise<DeployAllResult> {
  const began = performance.now();
  if (!bundle) {
    const current = await allCurrent(targets, rootDir, pool);
    if (current) return { bundle: undefined, outcomes: current, durationMs: Math.round(performance.now() - began) };
  }
  const built = bundle ?? (await buildBundle(rootDir));
  const deployedBy = `${os.userInfo().username}@${os.hostname()}`;
  const outcomes = await Promise.all(
    targets.map(async (target): Promise<DeployOutcome> => {
      try {
        const [host] = pool.forSpec(target.spec);
        return { target, record: await deployToHost(host!, target.workdir, built, { extraDirs: target.extraDirs, deployedBy }) };
      } catch (err) {
        return { target, error: err instanceof Error ? err : new Error(String(err)) };
      }
    }),
  );
  return { bundle: built, outcomes, durationMs: Math.round(performance.now() - began) };
}

// The fast no-op: every host runs a bundle built from these very sources with this esbuild (the
// check a run makes), so nothing is built (~0.5–1 s) or written; undefined when one needs a deploy,
// which then reports any problem itself.
async function allCurrent(targets: readonly DeployTarget[], rootDir: string, pool: RemoteHostPool): Promise<DeployOutcome[] | undefined> {
  const esbuild = (createRequire(import.meta.url)('esbuild/package.json') as { version: string }).version;
  const outcomes = await Promise.all(
    targets.map(async (target): Promise<DeployOutcome | undefined> => {
      const began = performance.now();
      try {
        const [host] = pool.forSpec(target.spec);
        const d = await verifyDeployment(host!, target.workdir, rootDir, target.programs);
        if (d.esbuild !== esbuild || d.node_target !== NODE_TARGET_MAJOR) return undefined;
        if (target.extraDirs.length > 0 && (await host!.run(`mkdir -p ${target.extraDirs.map((dir) => quoteArg(dir, { expandHome: true })).join(' ')}`)).exitCode !== 0) return undefined;
        const record: DeployRecord = { host: d.host, workdir: target.workdir, hash: d.hash, node_version: d.node_version, skipped: true, files_uploaded: 0, bytes_uploaded: 0, duration_ms: Math.round(performance.now() - began) };
        return { target, record };
      } catch {
        return undefined;
      }
    }),
  );
  return outcomes.every((o) => o !== undefined) ? outcomes : undefined;
}

// `deployed gen1 (10.211.0.2:22):~/MicroSentinel 3f2a… (11 files, 2.3 MB, 412 ms)` or `up to date`, or the error.
export function formatOutcome(o: DeployOutcome): string {
  if ('error' in o) return `error: ${o.target.alias}: ${o.error.message}`;
  const r = o.record;
  const what = r.skipped ? 'up to date' : `${r.files_uploaded} file(s), ${(r.bytes_uploaded / 1e6).toFixed(2)} MB`;
  return `deploy: ${r.host}:${r.workdir} ${r.hash.slice(0, 12)} ${what}, node ${r.node_version} (${r.duration_ms} ms)`;
}

// The failures of a deployment as one error (each with its fix), or undefined when all succeeded.
export function deployFailure(outcomes: readonly DeployOutcome[]): Error | undefined {
  const failed = outcomes.filter((o): o is Extract<DeployOutcome, { error: Error }> => 'error' in o);
  if (failed.length === 0) return undefined;
  if (failed.length === 1) return failed[0]!.error;
  return new DeployError('remote-failed', failed.map((f) => f.target.alias).join(', '), `deploy failed on ${failed.length} hosts:\n${failed.map((f) => `  ${f.target.alias}: ${f.error.message.replaceAll('\n', '\n    ')}`).join('\n')}`, 'see each host above');
}
