/** Harness process events, one union keyed on `kind` (zx log.ts style); a run writes its servers' and clients' to events.log. */
export type ProcessEvent =
  | { kind: 'spawn'; name: string; pid: number | undefined; time: Date; commandLine: string; cwd: string; logPath: string }
  | { kind: 'ready'; name: string; pid: number | undefined; time: Date; probe: string; waitedMs: number }
  | { kind: 'exit'; name: string; pid: number | undefined; time: Date; exitCode: number | null; signal: string | null; durationMs: number; killed: boolean; timedOut: boolean }
  /** A signal sent to the process group; `pid` is the group id. */
  | { kind: 'kill'; name: string; pid: number | undefined; time: Date; signal: string; reason: string }
  | { kind: 'timeout'; name: string; pid: number | undefined; time: Date; timeoutMs: number };

const formatters: { [K in ProcessEvent['kind']]: (e: Extract<ProcessEvent, { kind: K }>) => string } = {
  spawn: (e) => `spawn   ${e.name} [${e.pid ?? '?'}] ${e.commandLine} (log ${e.logPath})`,
  ready: (e) => `ready   ${e.name} [${e.pid ?? '?'}] ${e.probe} after ${e.waitedMs} ms`,
  exit: (e) => `exit    ${e.name} [${e.pid ?? '?'}] ${e.signal ?? `code ${e.exitCode}`} after ${e.durationMs} ms${e.timedOut ? ' (timed out)' : e.killed ? ' (stopped)' : ''}`,
  kill: (e) => `kill    ${e.name} [group ${e.pid ?? '?'}] ${e.signal} (${e.reason})`,
  timeout: (e) => `timeout ${e.name} [${e.pid ?? '?'}] after ${e.timeoutMs} ms`,
};

// One line per event for logs and progress output.
export function formatEvent(e: ProcessEvent): string {
  return (formatters[e.kind] as (e: ProcessEvent) => string)(e);
}
