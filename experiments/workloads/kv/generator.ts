// kv open-loop generator: GET/SET load at a fixed offered rate, latency from intended send times.
// Usage: node --single-threaded-gc --import tsx experiments/workloads/kv/generator.ts --port 6390 --rate 2000 --metrics-file m.json
import { CliError, runCli, type FlagSpecs, type Flags } from '../lib/args.ts';
import { connectAll } from '../lib/connect-all.ts';
import { keyspaceChooser, keyspaceFlags, keyspaceParams, readKeyspaceFlags, type KeyspaceConfig } from '../lib/keyspace-flags.ts';
import { buildGeneratorMetrics, publishGeneratorMetrics } from '../lib/metrics.ts';
import { runOpenLoop } from '../lib/open-loop.ts';
import { enterRealtime } from '../lib/realtime.ts';
import { reduceTimerSlack } from '../lib/timer-slack.ts';
import { SeededRandom, deriveSeed } from '../lib/prng.ts';
import { readScheduleFlags, scheduleFlags, type ScheduleConfig } from '../lib/schedule-flags.ts';
import { authority, readTcpTargetFlags, tcpTargetFlags, type TcpTargetConfig } from '../lib/tcp-target-flags.ts';
import { calibrate } from '../lib/calibration.ts';
import { withSelfStall } from '../lib/self-stall.ts';
import { KvRequestSink, preloadKeyspace } from './kv-load.ts';
import { RespConnection } from './resp-connection.ts';

const FLAGS: FlagSpecs = {
  ...scheduleFlags({ short: 'req/s', long: 'requests per second' }),
  ...tcpTargetFlags('kv server', 'TCP connections (requests round-robin, pipelined)'),
  ...keyspaceFlags(10_000, 'keyspace size (preloaded before the run)'),
  'value-size': { type: 'string', placeholder: '<bytes>', defaultText: '64', help: 'SET value size' },
  'read-ratio': { type: 'string', placeholder: '<0..1>', defaultText: '0.9', help: 'share of GETs (rest SET)' },
  seed: { type: 'string', placeholder: '<int>', defaultText: '1', help: 'seed of arrivals, keys and the GET/SET mix' },
  'calibrate-s': { type: 'string', placeholder: '<s>', defaultText: '0', help: 'paced one-at-a-time probe before the warm-up: the floor\'s host part (0 = none; the workload configs use 0.5)' },
  'self-stall-every': { type: 'string', placeholder: '<n>', defaultText: '0', help: 'testing the floor only: stall the generator after every n-th send (0 = never)' },
  'self-stall-us': { type: 'string', placeholder: '<us>', defaultText: '0', help: 'testing the floor only: how long each of those stalls holds the generator' },
};

interface GeneratorConfig extends ScheduleConfig, TcpTargetConfig, KeyspaceConfig {
  valueSize: number;
  readRatio: number;
  seed: number;
  calibrateS: number;
  selfStall: { every: number; us: number };
}

function readConfig(f: Flags): GeneratorConfig {
  return {
    ...readScheduleFlags(f),
    ...readTcpTargetFlags(f),
    ...readKeyspaceFlags(f, 10_000),
    valueSize: f.int('value-size', 64, { min: 0, max: 16 * 1024 * 1024 }),
    readRatio: f.number('read-ratio', 0.9, { min: 0, max: 1 }),
    seed: f.int('seed', 1),
    calibrateS: f.number('calibrate-s', 0, { min: 0, max: 60 }),
    selfStall: { every: f.int('self-stall-every', 0, { min: 0 }), us: f.int('self-stall-us', 0, { min: 0, max: 10_000_000 }) },
  };
}

async function main(flags: Flags): Promise<number> {
  const cfg = readConfig(flags);
  if (Math.round(cfg.rate * cfg.durationS) < 1) throw new CliError('--rate × --duration-s gives no request to send');
  const conns = await connectAll(cfg.connections, () => RespConnection.connect(cfg.host, cfg.port, cfg.timeoutMs), `kv server at ${authority(cfg)}`);
  const notes: string[] = [];
  try {
    const value = Buffer.alloc(cfg.valueSize, 'v');
    const preload = await preloadKeyspace(conns, cfg.keys, value, cfg.timeoutMs).catch((err: Error) => {
      throw new CliError(err.message);
    });
    if (preload.errors > 0) notes.push(`preload: ${preload.errors} of ${cfg.keys} SETs failed`);
    const sink = new KvRequestSink(conns, {
      keys: keyspaceChooser(cfg, cfg.seed),
      readRatio: cfg.readRatio,
      value,
      opRng: new SeededRandom(deriveSeed(cfg.seed, 2)),
    }, cfg.keys);
    const timerSlackNs = reduceTimerSlack();
    if (cfg.realtime) enterRealtime();
    const calibration = cfg.calibrateS > 0 ? await calibrate(sink, { durationMs: cfg.calibrateS * 1000, timeoutMs: cfg.timeoutMs }) : undefined;
    if (calibration?.note) notes.push(calibration.note);
    const result = await runOpenLoop({ ...cfg, seed: deriveSeed(cfg.seed, 0) }, withSelfStall(sink, cfg.selfStall));
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
        timerSlackNs,
        realtime: cfg.realtime,
        ...(calibration ? { calibration } : {}),
        target: authority(cfg),
        params: {
          ...keyspaceParams(cfg),
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
    publishGeneratorMetrics(cfg.metricsFile, metrics);
    return 0;
  } finally {
    for (const c of conns) c.close();
  }
}

await runCli('kv-generator', FLAGS, main);
