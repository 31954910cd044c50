import net from 'node:net';
import http from 'node:http';

export type ReadinessProbe =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'log'; pattern: RegExp | string }
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
    default:
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

// One HTTP request; any status counts as an answer.
export function tryHttp(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Poll a network probe until it answers or `signal` aborts (the caller races exit and deadline).
export async function pollProbe(probe: ReadinessProbe, signal: AbortSignal, intervalMs = 50): Promise<void> {
  if (probe.kind === 'delay') {
    await sleep(probe.ms);
    return;
  }
  if (probe.kind !== 'tcp' && probe.kind !== 'http') return;
  for (let attempt = 0; !signal.aborted; attempt++) {
    const ok = probe.kind === 'tcp' ? await tryConnect(probe.host, probe.port) : await tryHttp(probe.url);
    if (ok) return;
    await sleep(Math.min(intervalMs * (1 + attempt / 10), 250));
  }
}
