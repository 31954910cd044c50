import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { followLogFor } from './log-follow.ts';
import { describeHolders, portHolders } from './ports.ts';
import { sleep } from './timers.ts';

/** When a started process counts as ready. */
export type ReadinessProbe =
  | { kind: 'tcp'; host: string; port: number }
  /** Matched against each line of stdout+stderr; a string is a regular expression source. */
  | { kind: 'log'; pattern: RegExp | string }
  /** Any HTTP response, whatever its status. */
  | { kind: 'http'; url: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'none' };

// How a probe reads in messages: "tcp 127.0.0.1:6390".
export function describeProbe(p: ReadinessProbe): string {
  switch (p.kind) {
    case 'tcp':
      return `tcp ${p.host}:${p.port}`;
    case 'log':
      return `log line matching ${String(p.pattern)}`;
    case 'http':
      return `http ${p.url}`;
    case 'delay':
      return `delay ${p.ms} ms`;
    case 'none':
      return 'spawn';
  }
}

// One connection attempt; resolves true when the port accepted it.
export function tryConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// One HTTP request; any status counts as an answer. No keep-alive: the probe leaves no socket behind.
export function tryHttp(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean): void => {
      if (!settled) resolve(ok);
      settled = true;
    };
    const get = url.startsWith('https:') ? https.get : http.get;
    try {
      const req = get(url, { timeout: timeoutMs, agent: false, headers: { connection: 'close' } }, (res) => {
        res.resume();
        done(true);
      });
      req.once('timeout', () => req.destroy());
      req.once('error', () => done(false));
    } catch {
      done(false); // malformed URL: never ready, the deadline reports it
    }
  });
}

export interface ProbeContext {
  /** Stops the probe; it then resolves false. */
  signal: AbortSignal;
  /** Give up at this time (Date.now() scale). */
  deadline: number;
  /** The process's log, followed by `log` probes. */
  logPath: string;
  /** Where in the log this process's output begins. */
  logOffset: number;
  /** The pids whose listener counts for a tcp probe (the run's own); any listener when absent. */
  owners?: () => ReadonlySet<number>;
}

// Does a listener on the port belong to the owners? A listener that cannot be checked counts, as
// before: one this network namespace does not show (the server runs in another), or one whose
// holder's /proc/<pid>/fd we may not read (a harness not running as root).
export function listenerIsOwned(port: number, owners: ReadonlySet<number>): boolean {
  const holders = portHolders(port);
  return holders.length === 0 || holders.some((h) => h.pids.length === 0 || h.pids.some((p) => owners.has(p)));
}

// "; port 6390 is held by pid 12 (redis-server …), not by this run's processes" — or "".
export function foreignListenerNote(port: number, owners: ReadonlySet<number>): string {
  const holders = portHolders(port);
  if (listenerIsOwned(port, owners)) return '';
  return `; port ${port} is held by ${describeHolders(holders)}, not by this run's processes`;
}

// Wait until the probe succeeds (true), or the signal or deadline ends the wait (false).
// The caller races this against the process's exit.
export async function waitForProbe(probe: ReadinessProbe, ctx: ProbeContext): Promise<boolean> {
  switch (probe.kind) {
    case 'none':
      return true;
    case 'delay': {
      // A delay longer than the time left can only end at the deadline: not ready.
      const left = ctx.deadline - Date.now();
      await sleep(Math.min(probe.ms, left), ctx.signal);
      return probe.ms < left && !ctx.signal.aborted;
    }
    case 'log':
      return (await followLogFor(ctx.logPath, probe.pattern, { fromOffset: ctx.logOffset, signal: ctx.signal, deadline: ctx.deadline })) !== undefined;
    case 'tcp':
    case 'http':
      for (let attempt = 0; !ctx.signal.aborted && Date.now() < ctx.deadline; attempt++) {
        const attemptMs = Math.max(1, Math.min(1000, ctx.deadline - Date.now()));
        let ok = probe.kind === 'tcp' ? await tryConnect(probe.host, probe.port, attemptMs) : await tryHttp(probe.url, attemptMs);
        // Someone answered; for tcp it must be one of our processes, not a foreign listener.
        if (ok && probe.kind === 'tcp' && ctx.owners) ok = listenerIsOwned(probe.port, ctx.owners());
        if (ok) return !ctx.signal.aborted;
        await sleep(Math.min(25 + attempt * 10, 250), ctx.signal);
      }
      return false;
  }
}
