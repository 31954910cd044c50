import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { processCommandLine, safeReaddir } from './proc-info.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** A listening TCP socket of this network namespace (/proc/net/tcp, tcp6). */
export interface Listener {
  address: string;
  port: number;
  inode: number;
}

/** A listener with the processes that hold its socket. */
export interface PortHolder extends Listener {
  pids: number[];
}

const LISTEN = '0A';

// Hex address of /proc/net/tcp → text (IPv4 is one little-endian word; IPv6 four of them).
function decodeAddress(hex: string): string {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  const words = [0, 1, 2, 3].map((w) => hex.slice(w * 8, w * 8 + 8).match(/../g)!.reverse().join(''));
  const groups = words.join('').match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

// Every TCP listener, IPv4 and IPv6.
export function listListeners(): Listener[] {
  const out: Listener[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== LISTEN) continue;
      const [addr = '', port = '0'] = (f[1] ?? '').split(':');
      out.push({ address: decodeAddress(addr), port: parseInt(port, 16), inode: Number(f[9]) });
    }
  }
  return out;
}

// Which pids hold each socket inode (from /proc/<pid>/fd links "socket:[inode]").
export function socketHolders(inodes: ReadonlySet<number>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  if (inodes.size === 0) return out;
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (!m || !inodes.has(Number(m[1]))) continue;
      const pids = out.get(Number(m[1])) ?? [];
      if (!pids.includes(Number(entry))) pids.push(Number(entry));
      out.set(Number(m[1]), pids);
    }
  }
  return out;
}

// Listeners on a port (any address), each with the pids holding it.
export function portHolders(port: number): PortHolder[] {
  const listeners = listListeners().filter((l) => l.port === port);
  const holders = socketHolders(new Set(listeners.map((l) => l.inode)));
  return listeners.map((l) => ({ ...l, pids: holders.get(l.inode) ?? [] }));
}

// "pid 123 (redis-server *:6390)", or a note that the holder could not be seen.
export function describeHolders(holders: PortHolder[]): string {
  const pids = [...new Set(holders.flatMap((h) => h.pids))];
  if (pids.length === 0) return `a process this harness cannot see (listening on ${holders.map((h) => `${h.address}:${h.port}`).join(', ')})`;
  return pids.map((p) => `pid ${p} (${processCommandLine(p).slice(0, 160) || '?'})`).join(', ');
}

/** A port a server declares is already held by another process. */
export class PortInUseError extends HarnessError {
  readonly failureKind = 'process' as const;
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly portName: string,
    readonly holders: PortHolder[],
  ) {
    super(`Port ${port} (ports.${portName}) is already in use by ${describeHolders(holders)}: stop that process, or declare another port in the workload config`);
  }
}

// Throw PortInUseError for the first declared port someone already listens on.
export function checkPortsFree(ports: Record<string, number>): void {
  for (const [name, port] of Object.entries(ports)) {
    const holders = portHolders(port);
    if (holders.length > 0) throw new PortInUseError(port, name, holders);
  }
}

// Is some listener on this port held by one of `owners`? (A listener of another process does not count.)
export function portListenedBy(port: number, owners: ReadonlySet<number>): boolean {
  return portHolders(port).some((h) => h.pids.some((p) => owners.has(p)));
}
