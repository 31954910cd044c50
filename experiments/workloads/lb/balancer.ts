// lb balancer: HTTP/1.1 load balancer (round-robin, least-connections, consistent hashing) in front of
// N backends; the truth log records a sample of the routing decisions.
// Usage: node --import tsx experiments/workloads/lb/balancer.ts --port 8080 --backends 127.0.0.1:8081,127.0.0.1:8082 --policy rr
import { CliError, UsageError, runCli, type FlagSpecs, type Flags } from '../lib/args.ts';
import { armShutdownDeadline, waitForStopSignal } from '../lib/stop-signal.ts';
import { DEFAULT_VNODES } from './hash-ring.ts';
import { parseBackends } from './backend-list.ts';
import { LoadBalancer } from './load-balancer.ts';
import { POLICIES } from './policies.ts';
import { DEFAULT_KEY_SOURCE, parseKeySource } from './request-key.ts';
import { RouteLog } from './route-log.ts';

const FLAGS: FlagSpecs = {
  host: { type: 'string', placeholder: '<addr>', defaultText: '127.0.0.1', help: 'address to listen on' },
  port: { type: 'string', placeholder: '<port>', required: true, help: 'TCP port (0 = any free port; the log line says which)' },
  backends: { type: 'string', placeholder: '<host:port,…>', required: true, help: 'backend servers, in order' },
  policy: { type: 'string', placeholder: POLICIES.join('|'), defaultText: 'rr', help: 'balancing policy' },
  'hash-key': { type: 'string', placeholder: 'header:<name>|path', defaultText: DEFAULT_KEY_SOURCE, help: 'consistent-hash key (a missing header falls back to the path)' },
  vnodes: { type: 'string', placeholder: '<n>', defaultText: String(DEFAULT_VNODES), help: 'virtual nodes per backend on the hash ring' },
  'upstream-connections': { type: 'string', placeholder: '<n>', defaultText: '128', help: 'most keep-alive connections per backend' },
  'upstream-timeout-ms': { type: 'string', placeholder: '<ms>', defaultText: '30000', help: 'answer 504 when a backend is silent this long' },
  'truth-file': { type: 'string', placeholder: '<path>', help: 'JSON Lines log of sampled routing decisions + a final summary' },
  'truth-limit': { type: 'string', placeholder: '<n>', defaultText: '10000', help: 'most decisions written' },
  'truth-sample': { type: 'string', placeholder: '<0..1>', defaultText: '1', help: 'share of requests considered for the log (seeded)' },
  seed: { type: 'string', placeholder: '<int>', defaultText: '1', help: 'seed of the truth-log sample' },
};

async function main(f: Flags): Promise<number> {
  const host = f.string('host', '127.0.0.1');
  const port = f.int('port', undefined, { min: 0, max: 65535 });
  const backends = parseBackends(f.string('backends'));
  const policy = f.choice('policy', POLICIES, 'rr');
  const keySpec = f.string('hash-key', DEFAULT_KEY_SOURCE);
  const keySource = parseKeySource(keySpec);
  if (!keySource) throw new UsageError(`--hash-key must be path or header:<name>, got '${keySpec}'`);
  const vnodes = f.int('vnodes', DEFAULT_VNODES, { min: 1, max: 10_000 });
  const upstreamConnections = f.int('upstream-connections', 128, { min: 1, max: 65_536 });
  const upstreamTimeoutMs = f.int('upstream-timeout-ms', 30_000, { min: 1, max: 3_600_000 });
  const truthFile = f.optionalString('truth-file');
  const truthLimit = f.int('truth-limit', 10_000, { min: 0 });
  const truthSample = f.number('truth-sample', 1, { min: 0, max: 1 });
  const seed = f.int('seed', 1);

  const stopSignal = waitForStopSignal();
  const names = backends.map((b) => `${b.host}:${b.port}`);
  let routeLog: RouteLog | undefined;
  try {
    routeLog = truthFile ? new RouteLog({ file: truthFile, policy, backends: names, sample: truthSample, limit: truthLimit, seed }) : undefined;
  } catch (err) {
    throw new CliError(`cannot open truth log ${truthFile}: ${(err as Error).message}`);
  }
  const lb = new LoadBalancer({ host, port, backends, policy, keySource, vnodes, upstreamConnections, upstreamTimeoutMs, routeLog });
  const addr = await lb.start().catch((err: Error) => {
    throw new CliError(`cannot listen on ${host}:${port}: ${err.message}`);
  });
  process.stdout.write(`lb balancer listening on ${addr.host}:${addr.port} (policy ${policy}, ${backends.length} backends: ${names.join(',')})\n`);

  const signal = await stopSignal;
  armShutdownDeadline('lb balancer');
  await lb.stop();
  const stats = { perBackend: lb.perBackend, upstreamErrors: lb.upstreamErrors };
  await routeLog?.close(stats);
  const per = names.map((n, i) => `${n}=${lb.perBackend[i]}`).join(' ');
  process.stdout.write(`lb balancer stopped (${signal}): requests=${lb.perBackend.reduce((a, b) => a + b, 0)} ${per} upstream_errors=${lb.upstreamErrors}\n`);
  return 0;
}

await runCli('lb-balancer', FLAGS, main);
