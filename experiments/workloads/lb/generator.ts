// lb open-loop generator: keyed HTTP GETs at a fixed offered rate over pipelined keep-alive connections,
// latency from intended send times.
// Usage: node --single-threaded-gc --import tsx experiments/workloads/lb/generator.ts --port 8080 --rate 2000 --metrics-file m.json
import { CliError, UsageError, runCli, type FlagSpecs, type Flags } from '../lib/args.ts';
import { connectAll } from '../lib/connect-all.ts';
import { keyspaceChooser, keyspaceFlags, keyspaceParams, readKeyspaceFlags, type KeyspaceConfig } from '../lib/keyspace-flags.ts';
import { buildGeneratorMetrics, publishGeneratorMetrics } from '../lib/metrics.ts';
import { runOpenLoop } from '../lib/open-loop.ts';
import { enterRealtime } from '../lib/realtime.ts';
import { reduceTimerSlack } from '../lib/timer-slack.ts';
import { deriveSeed } from '../lib/prng.ts';
import { readScheduleFlags, scheduleFlags, type ScheduleConfig } from '../lib/schedule-flags.ts';
import { authority, readTcpTargetFlags, tcpTargetFlags, type TcpTargetConfig } from '../lib/tcp-target-flags.ts';
import { HttpConnection } from './http-connection.ts';
import { LbRequestSink } from './lb-load.ts';

const FLAGS: FlagSpecs = {
  ...scheduleFlags({ short: 'req/s', long: 'requests per second' }),
  ...tcpTargetFlags('balancer', 'keep-alive connections (requests round-robin, pipelined)'),
  ...keyspaceFlags(1000, 'number of distinct request keys (/k/<i>, x-lb-key: key:<i>)'),
  'key-header': { type: 'string', placeholder: '<name>', defaultText: 'x-lb-key', help: "header carrying the key ('' = none)" },
  'path-prefix': { type: 'string', placeholder: '<path>', defaultText: '/k/', help: 'request path before the key index' },
  seed: { type: 'string', placeholder: '<int>', defaultText: '1', help: 'seed of arrivals and keys' },
};

interface GeneratorConfig extends ScheduleConfig, TcpTargetConfig, KeyspaceConfig {
  keyHeader: string;
  pathPrefix: string;
  seed: number;
}

function readConfig(f: Flags): GeneratorConfig {
  const keyHeader = f.string('key-header', 'x-lb-key');
  if (keyHeader !== '' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(keyHeader)) throw new UsageError(`--key-header '${keyHeader}' is not a header name`);
  const pathPrefix = f.string('path-prefix', '/k/');
  if (!/^\/[\x21-\x7e]*$/.test(pathPrefix)) throw new UsageError(`--path-prefix must start with / and hold no spaces, got '${pathPrefix}'`);
  return {
    ...readScheduleFlags(f),
    ...readTcpTargetFlags(f),
    ...readKeyspaceFlags(f, 1000),
    keyHeader,
    pathPrefix,
    seed: f.int('seed', 1),
  };
}

async function main(flags: Flags): Promise<number> {
  const cfg = readConfig(flags);
  if (Math.round(cfg.rate * cfg.durationS) < 1) throw new CliError('--rate × --duration-s gives no request to send');
  const target = authority(cfg);
  const conns = await connectAll(cfg.connections, () => HttpConnection.connect(cfg.host, cfg.port, cfg.timeoutMs), `balancer at ${target}`);
  const notes: string[] = [];
  try {
    const sink = new LbRequestSink(conns, {
      authority: target,
      keys: keyspaceChooser(cfg, cfg.seed),
      pathPrefix: cfg.pathPrefix,
      keyHeader: cfg.keyHeader,
    });
    const timerSlackNs = reduceTimerSlack();
    if (cfg.realtime) enterRealtime();
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
        timerSlackNs,
        realtime: cfg.realtime,
        target,
        params: {
          ...keyspaceParams(cfg),
          key_header: cfg.keyHeader,
          path_prefix: cfg.pathPrefix,
          ...perBackend,
        },
        notes,
      },
      result,
    );
    publishGeneratorMetrics(cfg.metricsFile, metrics);
    return 0;
  } finally {
    for (const c of conns) c.close();
  }
}

await runCli('lb-generator', FLAGS, main);
