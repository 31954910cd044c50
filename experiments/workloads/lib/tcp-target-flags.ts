import type { FlagSpecs, Flags } from './args.ts';

/** Where a TCP generator sends its load, over how many connections. */
export interface TcpTargetConfig {
  host: string;
  port: number;
  connections: number;
  timeoutMs: number;
}

// Flag specs of the target; `target` names the server (e.g. 'kv server'), `connectionsHelp` how lanes are used.
export function tcpTargetFlags(target: string, connectionsHelp: string): FlagSpecs {
  return {
    host: { type: 'string', placeholder: '<addr>', defaultText: '127.0.0.1', help: `${target} address` },
    port: { type: 'string', placeholder: '<port>', required: true, help: `${target} port` },
    connections: { type: 'string', placeholder: '<n>', defaultText: '4', help: connectionsHelp },
    'timeout-ms': { type: 'string', placeholder: '<ms>', defaultText: '2000', help: 'connect timeout, and wait for late responses at the end' },
  };
}

export function readTcpTargetFlags(f: Flags): TcpTargetConfig {
  return {
    host: f.string('host', '127.0.0.1'),
    port: f.int('port', undefined, { min: 1, max: 65535 }),
    connections: f.int('connections', 4, { min: 1, max: 4096 }),
    timeoutMs: f.int('timeout-ms', 2000, { min: 1, max: 600_000 }),
  };
}

// host:port, IPv6 literals bracketed.
export function authority(t: Pick<TcpTargetConfig, 'host' | 'port'>): string {
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}
