import os from 'node:os';
import type { RemoteHostPool } from '../remote/index.ts';
import { buildBundle, type Bundle } from './bundle.ts';
import { DeployError } from './deploy-error.ts';
import { deployToHost, type DeployRecord } from './deploy-host.ts';
import type { DeployTarget } from './targets.ts';

export type DeployOutcome = { target: DeployTarget; record: DeployRecord } | { target: DeployTarget; error: Error };

export interface DeployAllResult {
  bundle: Bundle;
  outcomes: DeployOutcome[];
  durationMs: number;
}

// Bundle once, then deploy to every target in parallel; one host's failure does not stop the others.
export async function deployAll(targets: readonly DeployTarget[], rootDir: string, pool: RemoteHostPool, bundle?: Bundle): Promise<DeployAllResult> {
  const began = performance.now();
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
