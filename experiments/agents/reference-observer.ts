// Reference observer — a TEST DOUBLE for the MicroSentinel agent (micro_sentinel_agent), which cannot
// run on this machine. It honours the agent's CLI contract (--config=<file>, --metrics-port=<port>,
// nothing else), reads the TOML config, samples its target processes from /proc at the configured
// rate and serves Prometheus metrics. Its CPU cost grows with samples_per_core, so the overhead
// suite has a real overhead to measure. It observes nothing the real agent does (no PMU sampling).
// samples_per_core = 0 makes it idle (serves /metrics, samples nothing, no timer): the observer of an
// A/A suite (precise-aa), whose true overhead is zero.
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { parse } from 'smol-toml';
import { z } from 'zod';
import client from 'prom-client';

const VERSION = 'reference-observer 0.1.0 (stand-in for micro_sentinel_agent)';

const ConfigSchema = z.object({
  sampling: z.object({ samples_per_core: z.coerce.number().min(0).max(1_000_000), cores: z.coerce.number().int().min(0).default(0) }),
  target: z.object({ pids: z.union([z.string(), z.array(z.number().int())]).default('') }).prefault({}),
});

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function readArgs(argv: string[]): { config: string; metricsPort?: number } {
  let config: string | undefined;
  let metricsPort: number | undefined;
  for (const arg of argv) {
    if (arg === '--version') {
      process.stdout.write(`${VERSION}\n`);
      process.exit(0);
    }
    const [flag, value] = arg.split(/=(.*)/s, 2);
    if (flag === '--config' && value) config = value;
    else if (flag === '--metrics-port' && value && /^\d+$/.test(value)) metricsPort = Number(value);
    else fail(`unknown flag: ${flag}`);
  }
  if (!config) fail('missing required flag: --config=<file>');
  return metricsPort === undefined ? { config } : { config, metricsPort };
}

function loadConfig(file: string): z.infer<typeof ConfigSchema> {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`config error: cannot load ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) fail(`config error in ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const args = readArgs(process.argv.slice(2));
const config = loadConfig(args.config);
const cores = config.sampling.cores || os.availableParallelism();
const rateHz = config.sampling.samples_per_core * cores;
const targets = (Array.isArray(config.target.pids) ? config.target.pids : config.target.pids.split(',').filter(Boolean).map(Number)).filter((p) => p > 0);

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
const samples = new client.Counter({ name: 'microsentinel_samples_total', help: 'Samples taken', registers: [registry] });
const sampleErrors = new client.Counter({ name: 'microsentinel_sample_errors_total', help: 'Samples that could not read a target', registers: [registry] });
const targetCpu = new client.Gauge({ name: 'microsentinel_target_cpu_seconds', help: 'CPU time of each target (utime+stime) at the last sample', labelNames: ['pid'], registers: [registry] });
const rate = new client.Gauge({ name: 'microsentinel_sampling_rate_hz', help: 'Configured total sampling rate', registers: [registry] });
const dropped = new client.Counter({ name: 'microsentinel_samples_dropped_total', help: 'Samples dropped because sampling fell more than a tick behind (overload)', registers: [registry] });
const lag = new client.Gauge({ name: 'microsentinel_sampling_lag_samples', help: 'Samples behind schedule at the last tick', registers: [registry] });
new client.Gauge({ name: 'microsentinel_config_info', help: 'Effective configuration', labelNames: ['samples_per_core', 'cores', 'targets'], registers: [registry] })
  .labels(String(config.sampling.samples_per_core), String(cores), targets.length ? targets.join(',') : 'all')
  .set(1);
rate.set(rateHz);

const ticks = 100; // USER_HZ: clock ticks per second in /proc/<pid>/stat on Linux
function targetPids(): number[] {
  if (targets.length > 0) return targets;
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

// One sample: read and parse /proc/<pid>/stat of every target.
function sampleOnce(pids: number[]): void {
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      const cpu = (Number(fields[11]) + Number(fields[12])) / ticks;
      targetCpu.labels(String(pid)).set(cpu);
    } catch {
      sampleErrors.inc();
    }
  }
  samples.inc();
}

// Keep the configured rate: each 10 ms tick takes the samples that fell due (at most 100 ms worth),
// within a time budget of half the tick, so that sampling every process of a busy host never starves
// the event loop that serves /metrics. A backlog beyond a second's worth is dropped and counted, as a
// real sampler drops under overload; the pid list of "every process" is refreshed once a second.
// Sampling one target at the suites' rates stays far inside the budget: nothing changes for them.
const TICK_MS = 10;
const TICK_BUDGET_MS = TICK_MS / 2;
const perTick = Math.max(1, Math.ceil(rateHz / 10));
const maxBacklog = Math.max(perTick, Math.ceil(rateHz));
const started = performance.now();
let taken = 0;
let skipped = 0;
let pids = targetPids();
let pidsAt = started;
const timer = rateHz === 0 ? undefined : setInterval(() => {
  const now = performance.now();
  if (targets.length === 0 && now - pidsAt >= 1000) {
    pids = targetPids();
    pidsAt = now;
  }
  const due = Math.floor(((now - started) / 1000) * rateHz) - skipped;
  let backlog = due - taken;
  if (backlog > maxBacklog) {
    dropped.inc(backlog - maxBacklog);
    skipped += backlog - maxBacklog;
    backlog = maxBacklog;
  }
  lag.set(Math.max(0, backlog));
  const batch = Math.min(backlog, perTick);
  const deadline = now + TICK_BUDGET_MS;
  let n = 0;
  while (n < batch && (n === 0 || performance.now() < deadline)) {
    sampleOnce(pids);
    n++;
  }
  taken += n;
}, TICK_MS);

const server = args.metricsPort === undefined ? null : http.createServer(async (req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end('not found\n');
    return;
  }
  res.writeHead(200, { 'Content-Type': registry.contentType }).end(await registry.metrics());
});
server?.listen(args.metricsPort, '127.0.0.1', () => process.stdout.write(`reference observer: ${rateHz} samples/s over ${targets.length || 'all'} targets, metrics on 127.0.0.1:${args.metricsPort}\n`));
server?.on('error', (err) => fail(`cannot serve metrics on port ${args.metricsPort}: ${err.message}`));
if (!server) process.stdout.write(`reference observer: ${rateHz} samples/s over ${targets.length || 'all'} targets, no metrics port\n`);

function shutdown(signal: string): void {
  clearInterval(timer);
  process.stdout.write(`reference observer: ${signal}, ${taken} samples taken\n`);
  if (server) server.close(() => process.exit(0));
  else process.exit(0);
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
