import { CommandError, describeEnd, type CommandOutcome } from '../process/index.ts';
import type { WrapperMarker } from './remote-command.ts';
import type { RemoteHost } from './remote-host.ts';
import { missingWorkdirMessage } from './troubleshooting.ts';

/** What RemoteProcess knows when its command never started. */
export interface StartContext {
  host: RemoteHost;
  name: string;
  workdir: string;
  startTimeoutMs: number;
  /** The wrapper's last report before it ended (missing workdir, no setsid, …). */
  prelude: WrapperMarker | undefined;
  connectionLost: boolean;
  /** Another fan-out instance failed first and broke the barrier. */
  aborted: Error | undefined;
  stopping: boolean;
}

// Why the command never started, most specific cause first.
export function startFailure(c: StartContext, o: CommandOutcome): CommandError {
  const label = c.host.label;
  const p = c.prelude;
  if (p?.kind === 'no-workdir') return new CommandError('spawn', missingWorkdirMessage(c.host.target, c.workdir, p.path), o);
  if (p?.kind === 'no-setsid') return new CommandError('spawn', `setsid not found on ${label}: install util-linux there (the harness runs each remote command in its own session)`, o);
  if (c.connectionLost) return new CommandError('spawn', `Connection to ${label} lost while starting ${c.name}`, o);
  if (c.aborted) return new CommandError('spawn', `Start aborted at the barrier: ${c.aborted.message.split('\n')[0]}`, o, { cause: c.aborted });
  if (c.stopping) return new CommandError('not-ready', 'Process was stopped before it started', o);
  if (o.exitCode === null && o.signal === null) return new CommandError('spawn', `Remote wrapper on ${label} did not report a start within ${c.startTimeoutMs} ms`, o);
  return new CommandError('spawn', `Remote wrapper on ${label} exited with ${describeEnd(o)} before starting the command`, o);
}

// The run's failure when its connection dropped: sshd never said how the command ended.
export function connectionLostError(host: RemoteHost, name: string, o: CommandOutcome): CommandError {
  return new CommandError('unexpected-exit', `Connection to ${host.label} lost while ${name} was running (the remote watchdog kills its process group when sshd closes the session)`, o);
}
