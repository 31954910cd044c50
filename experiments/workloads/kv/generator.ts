// kv open-loop generator: GET/SET load at a fixed offered rate, latency from intended send times.
// Usage: node --import tsx experiments/workloads/kv/generator.ts --port 6390 --rate 2000 --metrics-file m.json
import { readScheduleFlags, scheduleFlags } from '../lib/schedule-flags.ts';
import { CliError, runCli, type FlagSpecs, type Flags } from '../lib/args.ts';
import type { Arrival } from '../lib/arrivals.ts';
import { KEY_DISTS, createKeyChooser, type KeyDist } from '../lib/key-chooser.ts';
import { buildGeneratorMetrics, formatSummaryLine, writeGeneratorMetrics } from '../lib/metrics.ts';
import { runOpenLoop } from '../lib/open-loop.ts';
import { SeededRandom, deriveSeed } from '../lib/prng.ts';
import { KvRequestSink, preloadKeyspace } from './kv-load.ts';
import { RespConnection } from './resp-connection.ts';

const FLAGS: FlagSpecs = {
  ...scheduleFlags({ short: 'req/s', long: 'requests per second' }),
  host: { type: 'string', placeholder: '<addr>', defaultText: '127.0.0.1', help: 'kv server address' },
  port: { type: 'string', placeholder: '<port>', required: true, help: 'kv server port' },
  connections: { type: 'string', placeholder: '<n>', defaultText: '4', help: 'TCP connections (requests round-robin, pipelined)' },
  keys: { type: 'string', placeholder: '<n>', defaultText: '10000', help: 'keyspace size (preloaded before the run)' },
  'key-dist': { type: 'string', placeholder: KEY_DISTS.join('|'), defaultText: 'uniform', help: 'key popularity' },
  'zipf-s': { type: 'string', placeholder: '<s>', defaultText: '0.99', help: 'Zipf exponent for --key-dist zipfian' },
  'value-size': { type: 'string', placeholder: '<bytes>', defaultText: '64', help: 'SET value size' },
  'read-ratio': { type: 'string', placeholder: '<0..1>', defaultText: '0.9', help: 'share of GETs (rest SET)' },
  seed: { type: 'string', placeholder: '<int>', defaultText: '1', help: 'seed of arrivals, keys and the GET/SET mix' },
  'timeout-ms': { type: 'string', placeholder: '<ms>', defaultText: '2000', help: 'connect timeout, and wait for late responses at the end' },
};

interface GeneratorConfig {
  host: string;
  port: number;
  rate: number;
  durationS: number;
  warmupS: number;
  connections: number;
  arrival: Arrival;
  keys: number;
  keyDist: KeyDist;
  zipfS: number;
  valueSize: number;
  readRatio: number;
  seed: number;
  timeoutMs: number;
  spinUs: number;
  metricsFile: string;
}

function readConfig(f: Flags): GeneratorConfig {
  return {
    ...readScheduleFlags(f),
    host: f.string('host', '127.0.0.1'),
    port: f.int('port', undefined, { min: 1, max: 65535 }),
    connections: f.int('connections', 4, { min: 1, max: 4096 }),
    keys: f.int('keys', 10_000, { min: 1, max: 50_000_000 }),
    keyDist: f.choice('key-dist', KEY_DISTS, 'uniform'),
    zipfS: f.number('zipf-s', 0.99, { min: 0.000001, max: 10 }),
    valueSize: f.int('value-size', 64, { min: 0, max: 16 * 1024 * 1024 }),
    readRatio: f.number('read-ratio', 0.9, { min: 0, max: 1 }),
    seed: f.int('seed', 1),
    timeoutMs: f.int('timeout-ms', 2000, { min: 1, max: 600_000 }),
  };
}

// Open every connection or none: a partial set would silently offer load over fewer lanes.
async function connectAll(cfg: GeneratorConfig): Promise<RespConnection[]> {
  const attempts = await Promise.allSettled(
    Array.from({ length: cfg.connections }, () => RespConnection.connect(cfg.host, cfg.port, cfg.timeoutMs)),
  );
  const failed = attempts.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (!failed) return attempts.map((a) => (a as PromiseFulfilledResult<RespConnection>).value);
  for (const a of attempts) if (a.status === 'fulfilled') a.value.close();
  throw new CliError(`cannot connect to kv server at ${cfg.host}:${cfg.port}: ${(failed.reason as Error).message}`);
}

async function main(flags: Flags): Promise<number> {
  const cfg = readConfig(flags);
  if (Math.round(cfg.rate * cfg.durationS) < 1) throw new CliError('--rate × --duration-s gives no request to send');
  const conns = await connectAll(cfg);
  const notes: string[] = [];
  try {
    const value = Buffer.alloc(cfg.valueSize, 'v');
    const preload = await preloadKeyspace(conns, cfg.keys, value, cfg.timeoutMs).catch((err: Error) => {
      throw new CliError(err.message);
    });
    if (preload.errors > 0) notes.push(`preload: ${preload.errors} of ${cfg.keys} SETs failed`);
    const sink = new KvRequestSink(conns, {
      keys: createKeyChooser(cfg.keyDist, cfg.keys, new SeededRandom(deriveSeed(cfg.seed, 1)), cfg.zipfS),
      readRatio: cfg.readRatio,
      value,
      opRng: new SeededRandom(deriveSeed(cfg.seed, 2)),
    });
    const result = await runOpenLoop({ ...cfg, seed: deriveSeed(cfg.seed, 0) }, sink);
    const lost = conns.filter((c) => !c.isOpen);
    if (lost.length > 0) notes.push(`${lost.length} of ${conns.length} connections lost: ${lost[0]!.closeReason}`);
    const metrics = buildGeneratorMetrics(
      {
        workload: 'kv',
        generator: 'kv-open-loop',
        arrival: cfg.arrival,
        connections: cfg.connections,
        durationS: cfg.durationS,
        warmupS: cfg.warmupS,
        seed: cfg.seed,
        target: `${cfg.host}:${cfg.port}`,
        params: {
          keys: cfg.keys,
          key_dist: cfg.keyDist,
          ...(cfg.keyDist === 'zipfian' ? { zipf_s: cfg.zipfS } : {}),
          value_size: cfg.valueSize,
          read_ratio: cfg.readRatio,
          preloaded: preload.written,
          gets: sink.gets,
          sets: sink.sets,
        },
        notes,
      },
      result,
    );
    writeGeneratorMetrics(cfg.metricsFile, metrics);
    process.stdout.write(`${formatSummaryLine(metrics)}\n`);
    return 0;
  } finally {
    for (const c of conns) c.close();
  }
}

await runCli('kv-generator', FLAGS, main);
