import path from 'node:path';
import { supervisionFromPlan, type ProcessEvent } from '../process/index.ts';
import type { ProcessPlan } from '../plan/run-types.ts';
import { planFanOut } from './fan-out.ts';
import type { RemoteHostPool } from './remote-host-pool.ts';
import { RemoteProcess } from './remote-process.ts';

// `kv_client.log` → `kv_client.gen1.0.log`: one log per host and instance when a command fans out.
export function instanceLogFile(logFile: string, alias: string, instance: number): string {
  const ext = path.extname(logFile);
  return `${logFile.slice(0, logFile.length - ext.length)}.${alias.replace(/[^A-Za-z0-9_.-]/g, '_')}.${instance}${ext}`;
}

// The remote processes of a planned command (one per host × instance, behind one barrier when
// there are several), connected through the suite's pool; logs land in the artifact folder.
export function createRemoteProcesses(p: ProcessPlan, artifactDir: string, pool: RemoteHostPool, onEvent?: (e: ProcessEvent) => void): RemoteProcess[] {
  const remote = p.remote;
  if (!remote) throw new Error(`${p.name}: no remote spec`);
  const hosts = pool.forSpec(remote);
  const common = {
    workdir: remote.workdir,
    ...supervisionFromPlan(p, onEvent),
  };
  const instances = remote.instances ?? 1;
  if (hosts.length === 1 && instances === 1) {
    return [new RemoteProcess({ ...common, name: p.name, argv: p.argv, env: p.env, host: hosts[0]!, logPath: path.join(artifactDir, p.logFile) })];
  }
  return planFanOut({
    ...common,
    name: p.name,
    hosts,
    instances,
    argv: p.argv,
    env: p.env,
    logPath: (c) => path.join(artifactDir, instanceLogFile(p.logFile, c.host.target.alias, c.instance)),
  }).processes;
}
