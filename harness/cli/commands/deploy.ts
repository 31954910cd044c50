import { listSuites } from '../../config/load-suite.ts';
import { planSuite, type SuitePlan } from '../../plan/build-plan.ts';
import { RemoteHostPool } from '../../remote/index.ts';
import { deployAll, deployFailure, deployTargets, formatOutcome, type DeployTarget } from '../../deploy/index.ts';
import type { CliIo } from '../main.ts';
import { UsageError } from '../errors.ts';

export interface DeployFlags {
  suite?: string[];
  host?: string[];
  workdir?: string;
  sshConfig?: string;
}

const DEFAULT_WORKDIR = '~/MicroSentinel';

// The targets of `harness deploy`: the suites' generator nodes, narrowed to --host; a --host no
// suite names is deployed to with --workdir and --ssh-config.
export function selectTargets(rootDir: string, flags: DeployFlags): DeployTarget[] {
  const suites = flags.suite ?? listSuites(rootDir);
  const all = suites.flatMap((s) => deployTargets(planSuite(s, { rootDir }), rootDir));
  const hosts = flags.host?.flatMap((h) => h.split(',')).filter(Boolean);
  for (const h of hosts ?? []) if (!/^[A-Za-z0-9_.@:[\]-]+$/.test(h)) throw new UsageError(`--host ${JSON.stringify(h)} is not a host name, alias or address`);
  if (!hosts) return all;
  const chosen = all.filter((t) => hosts.includes(t.alias));
  const extra = hosts.filter((h) => !chosen.some((t) => t.alias === h));
  const workdir = flags.workdir ?? DEFAULT_WORKDIR;
  for (const alias of extra) {
    chosen.push({ alias, spec: { host: alias, workdir, extra_artifacts: [], instances: 1, strict_host_key_checking: true, ...(flags.sshConfig ? { ssh_config: flags.sshConfig } : {}) }, workdir, extraDirs: [], programs: [] });
  }
  return chosen;
}

// Deploy and print one line per host; the failures together (exit 1) after all hosts finished.
export async function runDeploy(targets: DeployTarget[], rootDir: string, io: CliIo): Promise<number> {
  const pool = new RemoteHostPool({ onEvent: (e) => void (e.kind === 'warning' && io.stderr.write(`warning: ${e.message}\n`)) });
  try {
    const { bundle, outcomes, durationMs } = await deployAll(targets, rootDir, pool);
    io.stderr.write(bundle ? `deploy: bundled ${bundle.files.length} workload programs (${(bundle.bytes / 1e6).toFixed(2)} MB, ${bundle.hash.slice(0, 12)}) in ${bundle.buildMs} ms\n` : 'deploy: every host runs a bundle of these sources: nothing to build\n');
    for (const o of outcomes) if ('record' in o) io.stderr.write(`${formatOutcome(o)}\n`);
    const failure = deployFailure(outcomes);
    if (failure) {
      io.stderr.write(`error: ${failure.message}\n`);
      return 1;
    }
    io.stderr.write(`deploy: ${outcomes.length} host(s) in ${durationMs} ms\n`);
    return 0;
  } finally {
    await pool.dispose().catch(() => undefined);
  }
}

// `harness deploy [--suite …] [--host …]`: bundle the workload programs and put them on the generator nodes.
export async function deployCommand(rootDir: string, flags: DeployFlags, io: CliIo): Promise<number> {
  const targets = selectTargets(rootDir, flags);
  if (targets.length === 0) {
    io.stderr.write(`deploy: no generator node to deploy to (no suite${flags.suite ? ` of ${flags.suite.join(', ')}` : ''} has remote clients${flags.host ? ` on ${flags.host.join(', ')}` : ''}); name one with --host\n`);
    return flags.host ? 2 : 0;
  }
  return runDeploy(targets, rootDir, io);
}

// Before `harness run`: deploy to the suite's generator nodes (nothing when it has none).
export async function deployForSuite(plan: SuitePlan, rootDir: string, io: CliIo): Promise<number> {
  const targets = deployTargets(plan, rootDir);
  return targets.length === 0 ? 0 : runDeploy(targets, rootDir, io);
}
