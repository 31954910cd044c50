// nfv open-loop generator: UDP packets of several flows at a fixed packet rate into the chain's first
// stage; the sink's acks and the stages' drop reports tell it what became of each packet.
// Usage: node --single-threaded-gc --import tsx experiments/workloads/nfv/generator.ts --port 9000 --rate 2000 --metrics-file m.json
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { CliError, UsageError, runCli, type FlagSpecs, type Flags } from '../lib/args.ts';
import { createEpochClockUs } from '../lib/busy-wait.ts';
import { buildGeneratorMetrics, publishGeneratorMetrics } from '../lib/metrics.ts';
import { runOpenLoop } from '../lib/open-loop.ts';
import { enterRealtime } from '../lib/realtime.ts';
import { reduceTimerSlack } from '../lib/timer-slack.ts';
import { SeededRandom, deriveSeed } from '../lib/prng.ts';
import { readScheduleFlags, scheduleFlags, type ScheduleConfig } from '../lib/schedule-flags.ts';
import { RuleError, parsePortRanges } from './firewall-rules.ts';
import { FLOW_DISTS, buildFlows, createFlowChooser, type FlowDist } from './flows.ts';
import { NfvPacketSink } from './nfv-load.ts';
import { HEADER_BYTES, STAGES, ipToInt, protocolNumber } from './packet.ts';
import { DEFAULT_CHAIN_HOST } from './stage-cli.ts';

const FLAGS: FlagSpecs = {
  ...scheduleFlags({ short: 'pkt/s', long: 'packets per second' }),
  'chain-host': { type: 'string', placeholder: '<ipv4>', defaultText: DEFAULT_CHAIN_HOST, help: 'address of the chain (the firewall listens there unless --host says otherwise)' },
  host: { type: 'string', placeholder: '<ipv4>', defaultText: 'the chain host', help: "first stage (firewall) address ('' = the chain host)" },
  port: { type: 'string', placeholder: '<port>', required: true, help: 'first stage (firewall) UDP port' },
  connections: { type: 'string', placeholder: '<n>', defaultText: '2', help: 'UDP sockets (packets round-robin)' },
  flows: { type: 'string', placeholder: '<n>', defaultText: '64', help: 'number of flows (5-tuples)' },
  'flow-dist': { type: 'string', placeholder: FLOW_DISTS.join('|'), defaultText: 'rr', help: 'which flow each packet belongs to (rr: packet n → flow n mod flows)' },
  'zipf-s': { type: 'string', placeholder: '<s>', defaultText: '0.99', help: 'Zipf exponent for --flow-dist zipfian' },
  protocols: { type: 'string', placeholder: '<p,…>', defaultText: 'udp,tcp', help: 'protocol field of the flows, cycled (tcp, udp, icmp or 0-255)' },
  'dst-ports': { type: 'string', placeholder: '<ports>', defaultText: '80,443,53', help: 'destination ports of the flows, cycled (ranges expand: 8000-8003)' },
  'src-net': { type: 'string', placeholder: '<ipv4>', defaultText: '10.0.0.0', help: 'flow i has source address src-net + i + 1' },
  'src-port-base': { type: 'string', placeholder: '<port>', defaultText: '10000', help: 'flow i has source port base + i' },
  'dst-ip': { type: 'string', placeholder: '<ipv4>', defaultText: '192.0.2.10', help: 'destination address of every flow' },
  'packet-size': { type: 'string', placeholder: '<bytes>', defaultText: '64', help: `UDP payload size (${HEADER_BYTES}-1472)` },
  seed: { type: 'string', placeholder: '<int>', defaultText: '1', help: 'seed of arrivals and flow choice' },
  'timeout-ms': { type: 'string', placeholder: '<ms>', defaultText: '1000', help: 'wait for late acks at the end; unanswered packets are lost (timeouts)' },
};

interface GeneratorConfig extends ScheduleConfig {
  host: string;
  port: number;
  connections: number;
  flows: number;
  flowDist: FlowDist;
  zipfS: number;
  protocols: number[];
  dstPorts: number[];
  srcNet: number;
  srcPortBase: number;
  dstIp: number;
  packetSize: number;
  seed: number;
  timeoutMs: number;
}

function ipFlag(f: Flags, name: string, fallback: string): number {
  const text = f.string(name, fallback);
  const ip = ipToInt(text);
  if (ip === undefined) throw new UsageError(`--${name} must be an IPv4 address, got '${text}'`);
  return ip;
}

function readConfig(f: Flags): GeneratorConfig {
  const protocols = f.string('protocols', 'udp,tcp').split(',').map((p) => {
    const n = protocolNumber(p.trim());
    if (n === undefined) throw new UsageError(`--protocols: unknown protocol '${p}'`);
    return n;
  });
  let dstPorts: number[];
  try {
    dstPorts = parsePortRanges(f.string('dst-ports', '80,443,53'), '--dst-ports').flatMap((r) => Array.from({ length: Math.min(r.to - r.from + 1, 65536) }, (_, i) => r.from + i));
  } catch (err) {
    if (err instanceof RuleError) throw new UsageError(err.message);
    throw err;
  }
  const host = f.string('host', '').trim();
  return {
    ...readScheduleFlags(f),
    host: host === '' ? f.string('chain-host', DEFAULT_CHAIN_HOST) : host,
    port: f.int('port', undefined, { min: 1, max: 65535 }),
    connections: f.int('connections', 2, { min: 1, max: 1024 }),
    flows: f.int('flows', 64, { min: 1, max: 1_000_000 }),
    flowDist: f.choice('flow-dist', FLOW_DISTS, 'rr'),
    zipfS: f.number('zipf-s', 0.99, { min: 0.000001, max: 10 }),
    protocols,
    dstPorts,
    srcNet: ipFlag(f, 'src-net', '10.0.0.0'),
    srcPortBase: f.int('src-port-base', 10_000, { min: 1024, max: 65535 }),
    dstIp: ipFlag(f, 'dst-ip', '192.0.2.10'),
    packetSize: f.int('packet-size', 64, { min: HEADER_BYTES, max: 1472 }),
    seed: f.int('seed', 1),
    timeoutMs: f.int('timeout-ms', 1000, { min: 1, max: 600_000 }),
  };
}

async function openSockets(n: number): Promise<dgram.Socket[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(0, () => resolve());
      });
      s.on('error', (err) => process.stderr.write(`nfv generator: socket error: ${err.message}\n`));
      return s;
    }),
  );
}

async function main(flags: Flags): Promise<number> {
  const cfg = readConfig(flags);
  if (Math.round(cfg.rate * cfg.durationS) < 1) throw new CliError('--rate × --duration-s gives no packet to send');
  const ip = await lookup(cfg.host, { family: 4 }).catch((err: Error) => {
    throw new CliError(`cannot resolve chain address ${cfg.host}: ${err.message}`);
  });
  const sockets = await openSockets(cfg.connections);
  try {
    const flows = buildFlows({ count: cfg.flows, protocols: cfg.protocols, dstPorts: cfg.dstPorts, srcBase: cfg.srcNet, srcPortBase: cfg.srcPortBase, dstIp: cfg.dstIp });
    const chooser = createFlowChooser(cfg.flowDist, cfg.flows, new SeededRandom(deriveSeed(cfg.seed, 1)), cfg.zipfS);
    const sink = new NfvPacketSink(sockets, { ip: ip.address, port: cfg.port }, flows, chooser, cfg.packetSize, createEpochClockUs());
    const timerSlackNs = reduceTimerSlack();
    if (cfg.realtime) enterRealtime();
    const result = await runOpenLoop({ ...cfg, seed: deriveSeed(cfg.seed, 0) }, sink);
    const notes: string[] = [];
    if (result.completed === 0 && result.sent > 0 && (result.dropped ?? 0) === 0) {
      notes.push(`no packet came back from ${cfg.host}:${cfg.port}: is the chain listening there (chain.host / listen_host)?`);
    }
    if (sink.sendErrors > 0) notes.push(`${sink.sendErrors} packets could not be sent`);
    const drops: Record<string, number> = {};
    for (const s of STAGES) drops[`dropped.${s}`] = sink.dropsByStage.get(s) ?? 0;
    for (const [reason, n] of [...sink.dropsByReason].sort()) drops[`dropped.${reason}`] = n;
    const metrics = buildGeneratorMetrics(
      {
        workload: 'nfv',
        generator: 'nfv-open-loop',
        arrival: cfg.arrival,
        connections: cfg.connections,
        durationS: cfg.durationS,
        warmupS: cfg.warmupS,
        seed: cfg.seed,
        timerSlackNs,
        realtime: cfg.realtime,
        target: `${ip.address}:${cfg.port}`,
        reportDropped: true,
        params: {
          unit: 'packets',
          flows: cfg.flows,
          flow_dist: cfg.flowDist,
          packet_size: cfg.packetSize,
          delivered: result.completed,
          lost: result.timeouts,
          flows_delivered: sink.deliveredPerFlow.size,
          ...drops,
        },
        notes,
      },
      result,
    );
    publishGeneratorMetrics(cfg.metricsFile, metrics);
    return 0;
  } finally {
    for (const s of sockets) s.close();
  }
}

await runCli('nfv-generator', FLAGS, main);
