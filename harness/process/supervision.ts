import type { ProcessPlan, ReadyPlan } from '../plan/run-types.ts';
import type { ProcessEvent } from './process-events.ts';
import type { ReadinessProbe } from './readiness.ts';

/** How the harness supervises a process, local or remote: readiness, deadlines, stopping, events. */
export interface SupervisionOptions {
  /** Role name used in messages and events, e.g. `kv-server`. */
  name: string;
  argv: string[];
  /** Environment for the command: merged over the harness's locally, exported remotely. */
  env?: Record<string, string>;
  /** Local file receiving stdout and stderr, interleaved; parent folders are created. */
  logPath: string;
  /** @default { kind: 'none' } */
  ready?: ReadinessProbe;
  /** @default 10000 */
  readyTimeoutMs?: number;
  /** Longest the process may run, counted from its start; then its group is killed and wait() rejects. @default none */
  timeoutMs?: number;
  /** @default 'SIGTERM' */
  stopSignal?: NodeJS.Signals;
  /** Time between the stop signal and SIGKILL of the group. @default 5000 */
  graceMs?: number;
  onEvent?: (e: ProcessEvent) => void;
}

function toProbe(ready: ReadyPlan): ReadinessProbe {
  return ready.kind === 'log' ? { kind: 'log', pattern: new RegExp(ready.pattern) } : ready;
}

// The supervision a planned command asks for (everything but where it runs and what it logs to).
export function supervisionFromPlan(p: ProcessPlan, onEvent?: (e: ProcessEvent) => void): Omit<SupervisionOptions, 'name' | 'argv' | 'env' | 'logPath'> {
  return {
    ready: toProbe(p.ready),
    readyTimeoutMs: p.readyTimeoutMs,
    ...(p.timeoutMs ? { timeoutMs: p.timeoutMs } : {}),
    stopSignal: p.stopSignal,
    graceMs: p.graceMs,
    ...(onEvent ? { onEvent } : {}),
  };
}
