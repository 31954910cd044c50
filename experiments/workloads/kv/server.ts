// kv server: a RESP2 key-value server with optional service-time perturbation and periodic stalls.
// Usage: node --import tsx experiments/workloads/kv/server.ts --port 6390 [--delta-us 10 --delta-fraction 0.1 …]
import { CliError, UsageError, runCli, type FlagSpecs, type Flags } from '../lib/args.ts';
import { EventLoopStaller } from './event-loop-staller.ts';
import { KvServer } from './kv-server.ts';
import { Perturber, type PerturbationOptions } from './perturbation.ts';

const FLAGS: FlagSpecs = {
  host: { type: 'string', placeholder: '<addr>', defaultText: '127.0.0.1', help: 'address to listen on' },
  port: { type: 'string', placeholder: '<port>', required: true, help: 'TCP port (0 = any free port; the log line says which)' },
  'delta-us': { type: 'string', placeholder: '<us>', defaultText: '0', help: 'extra service time of a perturbed request (busy work)' },
  'delta-fraction': { type: 'string', placeholder: '<0..1>', help: 'perturb each keyed request with this probability (seeded)' },
  'delta-every': { type: 'string', placeholder: '<n>', help: 'perturb every Nth keyed request instead' },
  seed: { type: 'string', placeholder: '<int>', defaultText: '1', help: 'seed of the perturbation choice' },
  'truth-file': { type: 'string', placeholder: '<path>', help: 'JSON Lines log of perturbed requests + a final summary' },
  'truth-limit': { type: 'string', placeholder: '<n>', defaultText: '10000', help: 'most perturbation lines written' },
  'stall-ms': { type: 'string', placeholder: '<ms>', help: 'block the event loop this long …' },
  'stall-every-ms': { type: 'string', placeholder: '<ms>', help: '… this often' },
  'slow-start-s': { type: 'string', placeholder: '<s>', help: 'a slow start (cold cache, JIT): for this long after the first command …' },
  'slow-start-us': { type: 'string', placeholder: '<us>', help: '… every command costs this much more CPU' },
};

const SHUTDOWN_GRACE_MS = 5000;

interface ServerConfig {
  host: string;
  port: number;
  perturbation: PerturbationOptions;
  stall?: { ms: number; everyMs: number };
  slowStart?: { ms: number; us: number };
}

// Validate flags into a config; every problem is a UsageError (exit 2).
function readConfig(f: Flags): ServerConfig {
  if (f.has('delta-fraction') && f.has('delta-every')) throw new UsageError('--delta-fraction and --delta-every are exclusive');
  if (f.has('stall-ms') !== f.has('stall-every-ms')) throw new UsageError('--stall-ms and --stall-every-ms go together');
  const deltaUs = f.number('delta-us', 0, { min: 0, max: 10_000_000 });
  if (deltaUs > 0 && !f.has('delta-fraction') && !f.has('delta-every')) {
    throw new UsageError('--delta-us needs --delta-fraction or --delta-every');
  }
  if (f.has('slow-start-s') !== f.has('slow-start-us')) throw new UsageError('--slow-start-s and --slow-start-us go together');
  const slowStart = f.has('slow-start-s') ? { ms: 1000 * f.number('slow-start-s', undefined, { min: 0, max: 3600 }), us: f.number('slow-start-us', undefined, { min: 0, max: 1_000_000 }) } : undefined;
  const stall = f.has('stall-ms')
    ? { ms: f.number('stall-ms', undefined, { min: 1, max: 60_000 }), everyMs: f.number('stall-every-ms', undefined, { min: 1, max: 3_600_000 }) }
    : undefined;
  return {
    host: f.string('host', '127.0.0.1'),
    port: f.int('port', undefined, { min: 0, max: 65535 }),
    perturbation: {
      deltaUs,
      fraction: f.has('delta-fraction') ? f.number('delta-fraction', undefined, { min: 0, max: 1 }) : undefined,
      every: f.has('delta-every') ? f.int('delta-every', undefined, { min: 1 }) : undefined,
      seed: f.int('seed', 1),
      truthFile: f.optionalString('truth-file'),
      truthLimit: f.int('truth-limit', 10_000, { min: 0 }),
    },
    ...(stall ? { stall } : {}),
    ...(slowStart ? { slowStart } : {}),
  };
}

async function main(flags: Flags): Promise<number> {
  const cfg = readConfig(flags);
  // Listen for signals before anything else, so an early SIGTERM still shuts down cleanly.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  let perturber: Perturber;
  try {
    perturber = new Perturber(cfg.perturbation);
  } catch (err) {
    throw new CliError(`cannot open truth log ${cfg.perturbation.truthFile}: ${(err as Error).message}`);
  }
  const server = new KvServer({ host: cfg.host, port: cfg.port, perturber, ...(cfg.slowStart ? { slowStart: cfg.slowStart } : {}) });
  const addr = await server.start().catch((err: Error) => {
    throw new CliError(`cannot listen on ${cfg.host}:${cfg.port}: ${err.message}`);
  });
  const staller = cfg.stall ? new EventLoopStaller(cfg.stall.ms, cfg.stall.everyMs) : undefined;
  staller?.start();
  process.stdout.write(`kv server listening on ${addr.host}:${addr.port}\n`);

  const signal = await stopSignal;
  // Never hang on shutdown: whatever is not closed by then is abandoned.
  setTimeout(() => {
    process.stderr.write(`kv server: shutdown took over ${SHUTDOWN_GRACE_MS} ms, exiting anyway\n`);
    process.exit(1);
  }, SHUTDOWN_GRACE_MS).unref();
  staller?.stop();
  await server.stop();
  await perturber.close();
  const s = perturber.summary();
  process.stdout.write(
    `kv server stopped (${signal}): commands=${server.commands} keyed=${s.requests} perturbed=${s.perturbed} ` +
      `recorded=${s.recorded} dropped_over_limit=${s.dropped_over_limit} stalls=${staller?.stalls ?? 0}\n`,
  );
  return 0;
}

await runCli('kv-server', FLAGS, main);
