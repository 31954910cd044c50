// lb open-loop generator: keyed HTTP GETs at a fixed offered rate over pipelined keep-alive connections,
// latency from intended send times.
// Usage: node --import tsx experiments/workloads/lb/generator.ts --port 8080 --rate 2000 --metrics-file m.json
import { readScheduleFlags, scheduleFlags } from '../lib/schedule-flags.ts';
import { CliError, UsageError, runCli, type FlagSpecs, type Flags } from '../lib/args.ts';
import type { Arrival } from '../lib/arrivals.ts';
import { KEY_DISTS, createKeyChooser, type KeyDist } from '../lib/key-chooser.ts';
import { buildGeneratorMetrics, formatSummaryLine, writeGeneratorMetrics } from '../lib/metrics.ts';
import { runOpenLoop } from '../lib/open-loop.ts';
import { SeededRandom, deriveSeed } from '../lib/prng.ts';
import { HttpConnection } from './http-connection.ts';
import { LbRequestSink } from './lb-load.ts';

const FLAGS: FlagSpecs = {
  ...scheduleFlags({ short: 'req/s', long: 'requests per second' }),
  host: { type: 'string', placeholder: '<addr>', defaultText: '127.0.0.1', help: 'balancer address' },
  port: { type: 'string', placeholder: '<port>', required: true, help: 'balancer port' },
  connections: { type: 'string', placeholder: '<n>', defaultText: '4', help: 'keep-alive connections (requests round-robin, pipelined)' },
  keys: { type: 'string', placeholder: '<n>', defaultText: '1000', help: 'number of distinct request keys (/k/<i>, x-lb-key: key:<i>)' },
  'key-dist': { type: 'string', placeholder: KEY_DISTS.join('|'), defaultText: 'uniform', help: 'key popularity' },
  'zipf-s': { type: 'string', placeholder: '<s>', defaultText: '0.99', help: 'Zipf exponent for --key-dist zipfian' },
  'key-header': { type: 'string', placeholder: '<name>', defaultText: 'x-lb-key', help: "header carrying the key ('' = none)" },
  'path-prefix': { type: 'string', placeholder: '<path>', defaultText: '/k/', help: 'request path before the key index' },
  seed: { type: 'string', placeholder: '<int>', defaultText: '1', help: 'seed of arrivals and keys' },
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
  keyHeader: string;
  pathPrefix: string;
  seed: number;
  timeoutMs: number;
  spinUs: number;
  metricsFile: string;
}

function readConfig(f: Flags): GeneratorConfig {
  const keyHeader = f.string('key-header', 'x-lb-key');
  if (keyHeader !== '' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(keyHeader)) throw new UsageError(`--key-header '${keyHeader}' is not a header name`);
  const pathPrefix = f.string('path-prefix', '/k/');
  if (!/^\/[\x21-\x7e]*$/.test(pathPrefix)) throw new UsageError(`--path-prefix must start with / and hold no spaces, got '${pathPrefix}'`);
  return {
    ...readScheduleFlags(f),
    host: f.string('host', '127.0.0.1'),
    port: f.int('port', undefined, { min: 1, max: 65535 }),
    connections: f.int('connections', 4, { min: 1, max: 4096 }),
    keys: f.int('keys', 1000, { min: 1, max: 50_000_000 }),
    keyDist: f.choice('key-dist', KEY_DISTS, 'uniform'),
    zipfS: f.number('zipf-s', 0.99, { min: 0.000001, max: 10 }),
    keyHeader,
    pathPrefix,
    seed: f.int('seed', 1),
    timeoutMs: f.int('timeout-ms', 2000, { min: 1, max: 600_000 }),
  };
}

// Open every connection or none: a partial set would silently offer load over fewer lanes.
async function connectAll(cfg: GeneratorConfig): Promise<HttpConnection[]> {
  const attempts = await Promise.allSettled(
    Array.from({ length: cfg.connections }, () => HttpConnection.connect(cfg.host, cfg.port, cfg.timeoutMs)),
  );
  const failed = attempts.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (!failed) return attempts.map((a) => (a as PromiseFulfilledResult<HttpConnection>).value);
  for (const a of attempts) if (a.status === 'fulfilled') a.value.close();
  throw new CliError(`cannot connect to balancer at ${cfg.host}:${cfg.port}: ${(failed.reason as Error).message}`);
}

async function main(flags: Flags): Promise<number> {
  const cfg = readConfig(flags);
  if (Math.round(cfg.rate * cfg.durationS) < 1) throw new CliError('--rate × --duration-s gives no request to send');
  const conns = await connectAll(cfg);
  const notes: string[] = [];
  try {
    const authority = cfg.host.includes(':') ? `[${cfg.host}]:${cfg.port}` : `${cfg.host}:${cfg.port}`;
    const sink = new LbRequestSink(conns, {
      authority,
      keys: createKeyChooser(cfg.keyDist, cfg.keys, new SeededRandom(deriveSeed(cfg.seed, 1)), cfg.zipfS),
      pathPrefix: cfg.pathPrefix,
      keyHeader: cfg.keyHeader,
    });
    const result = await runOpenLoop({ ...cfg, seed: deriveSeed(cfg.seed, 0) }, sink);
    const lost = conns.filter((c) => !c.isOpen);
    if (lost.length > 0) notes.push(`${lost.length} of ${conns.length} connections lost: ${lost[0]!.closeReason}`);
    for (const [status, n] of [...sink.badStatus].sort((a, b) => a[0] - b[0])) notes.push(`${n} responses with status ${status}`);
    const perBackend = Object.fromEntries([...sink.perBackend].sort().map(([b, n]) => [`backend.${b}`, n]));
    const metrics = buildGeneratorMetrics(
      {
        workload: 'lb',
        generator: 'lb-open-loop',
        arrival: cfg.arrival,
        connections: cfg.connections,
        durationS: cfg.durationS,
        warmupS: cfg.warmupS,
        seed: cfg.seed,
        target: authority,
        params: {
          keys: cfg.keys,
          key_dist: cfg.keyDist,
          ...(cfg.keyDist === 'zipfian' ? { zipf_s: cfg.zipfS } : {}),
          key_header: cfg.keyHeader,
          path_prefix: cfg.pathPrefix,
          ...perBackend,
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

await runCli('lb-generator', FLAGS, main);
