// lb backend: a keep-alive HTTP/1.1 server that names itself in every response; optional busy-work delay.
// Usage: node --import tsx experiments/workloads/lb/backend.ts --port 8081 --id b1 [--delay-us 200]
import { CliError, runCli, type FlagSpecs, type Flags } from '../lib/args.ts';
import { armShutdownDeadline, waitForStopSignal } from '../lib/stop-signal.ts';
import { BackendServer } from './backend-server.ts';

const FLAGS: FlagSpecs = {
  host: { type: 'string', placeholder: '<addr>', defaultText: '127.0.0.1', help: 'address to listen on' },
  port: { type: 'string', placeholder: '<port>', required: true, help: 'TCP port (0 = any free port; the log line says which)' },
  id: { type: 'string', placeholder: '<name>', required: true, help: 'backend name, sent in x-backend-id and the body' },
  'delay-us': { type: 'string', placeholder: '<us>', defaultText: '0', help: 'service time per request (busy work)' },
};

async function main(f: Flags): Promise<number> {
  const host = f.string('host', '127.0.0.1');
  const port = f.int('port', undefined, { min: 0, max: 65535 });
  const id = f.string('id');
  const delayUs = f.number('delay-us', 0, { min: 0, max: 10_000_000 });
  const stopSignal = waitForStopSignal();
  const server = new BackendServer({ id, host, port, delayUs });
  const addr = await server.start().catch((err: Error) => {
    throw new CliError(`cannot listen on ${host}:${port}: ${err.message}`);
  });
  process.stdout.write(`lb backend ${id} listening on ${addr.host}:${addr.port}\n`);
  const signal = await stopSignal;
  armShutdownDeadline('lb backend');
  await server.stop();
  process.stdout.write(`lb backend ${id} stopped (${signal}): requests=${server.requests}\n`);
  return 0;
}

await runCli('lb-backend', FLAGS, main);
