import type { RemoteHost } from '../remote/index.ts';
import { BUNDLE_DIR } from '../plan/remote-program.ts';
import { checkNode } from './checks.ts';
import { DeployError } from './deploy-error.ts';
import { changedInputs } from './manifest.ts';
import { probeRemote } from './remote-state.ts';

/** What a run used on a generator node: plan.json's provenance.deployment. */
export interface DeploymentRecord {
  host: string;
  workdir: string;
  hash: string;
  deployed_at: string;
  deployed_by: string;
  node_version: string;
  /** esbuild and Node target the bundle was built with. */
  esbuild: string;
  node_target: number;
}

// Before a run: the host has Node, a complete deployment with the programs the run starts, and
// that deployment was built from this checkout's sources; otherwise the run refuses to start.
export async function verifyDeployment(host: RemoteHost, workdir: string, rootDir: string, programs: readonly string[]): Promise<DeploymentRecord> {
  const state = await probeRemote(host, workdir);
  const node = checkNode(state, host);
  const alias = host.target.alias;
  const deploy = `run npx harness deploy (or harness run without --no-deploy)`;
  const m = state.manifest;
  if (!m) {
    const why = state.manifestProblem ?? `${state.workdir}/${BUNDLE_DIR}/manifest.json does not exist`;
    throw new DeployError('not-deployed', host.label, `generator code is not deployed on ${alias} (${host.label}): ${why}`, deploy);
  }
  const missing = programs.filter((p) => !m.files[p]);
  const broken = Object.entries(m.files).filter(([name, f]) => state.files.get(name) !== f.bytes).map(([name]) => name);
  const changed = changedInputs(m, rootDir);
  if (missing.length + broken.length + changed.length > 0) {
    const why = [
      ...(changed.length ? [`changed since it was deployed (${m.deployed_at}): ${list(changed)}`] : []),
      ...(missing.length ? [`not in the deployed bundle: ${list(missing)}`] : []),
      ...(broken.length ? [`missing or altered on the host: ${list(broken)}`] : []),
    ];
    throw new DeployError('stale', host.label, `generator code on ${alias} is stale (deployed ${m.hash.slice(0, 12)}): ${why.join('; ')}`, deploy);
  }
  return { host: host.label, workdir, hash: m.hash, deployed_at: m.deployed_at, deployed_by: m.deployed_by, node_version: node, esbuild: m.esbuild, node_target: m.node_target };
}

const list = (items: string[]): string => (items.length > 4 ? `${items.slice(0, 4).join(', ')} and ${items.length - 4} more` : items.join(', '));
