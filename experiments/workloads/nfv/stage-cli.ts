// Flags and lifecycle shared by the four stage programs (firewall.ts, nat.ts, monitor.ts, sink.ts).
import { CliError, type FlagSpecs, type Flags } from '../lib/args.ts';
import { writeJsonAtomic } from '../lib/json-file.ts';
import { armShutdownDeadline, waitForStopSignal } from '../lib/stop-signal.ts';
import type { StageName } from './packet.ts';
import { UdpStage, type StageLogic, type UdpAddress } from './udp-stage.ts';

export const DEFAULT_CHAIN_HOST = '127.0.0.1';

// The flags every stage has; `withNext` adds the next hop (all stages but the sink), `withRecords`
// the cap on records listed in the truth file (decisions, mappings, flows).
export function stageFlags(withNext: boolean, withRecords = true): FlagSpecs {
  return {
    'chain-host': { type: 'string', placeholder: '<ipv4>', defaultText: DEFAULT_CHAIN_HOST, help: 'address of the chain: where stages listen and forward unless told otherwise' },
    'listen-host': { type: 'string', placeholder: '<ipv4>', defaultText: 'the chain host', help: "this stage's own address ('' = the chain host)" },
    port: { type: 'string', placeholder: '<port>', required: true, help: 'UDP port (0 = any free port; the log line says which)' },
    ...(withNext
      ? {
          'next-host': { type: 'string', placeholder: '<ipv4>', defaultText: 'the chain host', help: "next stage's address ('' = the chain host)" } as const,
          'next-port': { type: 'string', placeholder: '<port>', required: true, help: "next stage's UDP port" } as const,
        }
      : {}),
    'truth-file': { type: 'string', placeholder: '<path>', help: "JSON document written on SIGTERM: the stage's counters and records" },
    ...(withRecords
      ? { 'truth-limit': { type: 'string', placeholder: '<n>', defaultText: '10000', help: 'most records (decisions, mappings, flows) listed in the truth file' } as const }
      : {}),
  };
}

// A host flag: empty or absent means the chain host (so one setting can move the whole chain).
export function hostFlag(f: Flags, name: string): string {
  const v = f.optionalString(name);
  return v === undefined || v.trim() === '' ? f.string('chain-host', DEFAULT_CHAIN_HOST) : v.trim();
}

export function truthLimit(f: Flags): number {
  return f.int('truth-limit', 10_000, { min: 0 });
}

/** Run a stage until SIGTERM/SIGINT: bind, print the readiness line, then write the truth file and a summary. */
export async function runStage(name: StageName, f: Flags, logic: StageLogic): Promise<number> {
  const listen: UdpAddress = { host: hostFlag(f, 'listen-host'), port: f.int('port', undefined, { min: 0, max: 65535 }) };
  const next = f.has('next-port') ? { host: hostFlag(f, 'next-host'), port: f.int('next-port', undefined, { min: 1, max: 65535 }) } : undefined;
  const truthFile = f.optionalString('truth-file');
  const stopSignal = waitForStopSignal();
  const stage = new UdpStage({ name, listen, logic, ...(next ? { next } : {}) });
  const addr = await stage.start().catch((err: Error) => {
    throw new CliError(`cannot listen on udp ${listen.host}:${listen.port}${next ? ` (next hop ${next.host})` : ''}: ${err.message}`);
  });
  const to = next ? ` -> ${next.host}:${next.port}` : '';
  process.stdout.write(`nfv ${name} listening on udp ${addr.host}:${addr.port}${to}\n`);

  const signal = await stopSignal;
  armShutdownDeadline(`nfv ${name}`);
  await stage.stop();
  const stats = stage.stats();
  if (truthFile) {
    try {
      writeJsonAtomic(truthFile, stats);
    } catch (err) {
      throw new CliError(`cannot write truth file ${truthFile}: ${(err as Error).message}`);
    }
  }
  const c = stage.counters;
  const drops = Object.entries(c.dropped).map(([r, n]) => `${r}=${n}`).join(' ');
  process.stdout.write(
    `nfv ${name} stopped (${signal}): received=${c.received} forwarded=${c.forwarded} delivered=${c.delivered} ${drops} malformed=${c.malformed}\n`,
  );
  return 0;
}
