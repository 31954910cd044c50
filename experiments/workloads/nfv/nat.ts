// nfv NAT stage: source NAT of the packet header (source address → --public-ip, source port → a port
// allocated per flow from --nat-ports).
// Usage: node --import tsx experiments/workloads/nfv/nat.ts --port 9001 --next-port 9002
import { UsageError, runCli } from '../lib/args.ts';
import { RuleError, parsePortRanges } from './firewall-rules.ts';
import { NatLogic } from './nat-logic.ts';
import { ipToInt } from './packet.ts';
import { runStage, stageFlags, truthLimit } from './stage-cli.ts';

const FLAGS = {
  ...stageFlags(true),
  'public-ip': { type: 'string', placeholder: '<ipv4>', defaultText: '203.0.113.1', help: 'source address after translation' },
  'nat-ports': { type: 'string', placeholder: '<from-to>', defaultText: '20000-59999', help: 'pool of translated source ports' },
} as const;

await runCli('nfv-nat', FLAGS, (f) => {
  const ipText = f.string('public-ip', '203.0.113.1');
  const publicIp = ipToInt(ipText);
  if (publicIp === undefined) throw new UsageError(`--public-ip must be an IPv4 address, got '${ipText}'`);
  let ports;
  try {
    ports = parsePortRanges(f.string('nat-ports', '20000-59999'), '--nat-ports');
  } catch (err) {
    if (err instanceof RuleError) throw new UsageError(err.message);
    throw err;
  }
  if (ports.length !== 1) throw new UsageError('--nat-ports must be one range, e.g. 20000-59999');
  return runStage('nat', f, new NatLogic({ publicIp, ports: ports[0]!, truthLimit: truthLimit(f) }));
});
