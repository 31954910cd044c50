import path from 'node:path';
import { ManagedProcess } from './managed-process.ts';
import type { ProcessEvent } from './process-events.ts';
import type { ProcessPlan } from '../plan/run-types.ts';
import { supervisionFromPlan } from './supervision.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** Raised before spawning a process the plan could not resolve (e.g. no --agent-bin). */
export class UnresolvedCommandError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'UnresolvedCommandError';
}

// A local process for a planned command; the artifact folder receives its log.
export function createLocalProcess(p: ProcessPlan, artifactDir: string, onEvent?: (e: ProcessEvent) => void): ManagedProcess {
  if (p.unresolved) throw new UnresolvedCommandError(`${p.name}: ${p.unresolved}`);
  if (p.remote) throw new UnresolvedCommandError(`${p.name}: remote execution (remote.host ${[p.remote.host].flat().join(', ')}) is not available in this build`);
  return new ManagedProcess({
    name: p.name,
    argv: p.argv,
    cwd: p.cwd,
    env: p.env,
    logPath: path.join(artifactDir, p.logFile),
    ...(p.ports ? { ports: p.ports } : {}),
    ...supervisionFromPlan(p, onEvent),
  });
}
