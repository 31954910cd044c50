// Connection and server-admin commands: what redis-cli and redis-benchmark send around the data
// commands (CONFIG GET save/appendonly, HELLO, CLIENT SETNAME, SELECT, INFO), answered like Redis 7.
import type { CommandContext, CommandSpec } from './commands.ts';
import { NULL_BULK, OK, array, bulk, errorReply, integer } from './resp-encode.ts';

export const SERVER_VERSION = '7.0.0-kv';

// The configuration this server reports: no persistence, one database.
const CONFIG: Record<string, string> = {
  save: '',
  appendonly: 'no',
  databases: '1',
  maxmemory: '0',
};

function sub(args: Buffer[], i = 1): string {
  return args[i]?.toString('latin1').toUpperCase() ?? '';
}

function unknownSubcommand(args: Buffer[]): Buffer {
  return errorReply(`ERR unknown subcommand '${args[1]?.toString('latin1') ?? ''}'. Try ${sub(args, 0)} HELP.`);
}

// CONFIG GET pattern…: exact names or `*`; CONFIG SET is refused, RESETSTAT accepted.
function runConfig(args: Buffer[]): Buffer {
  switch (sub(args)) {
    case 'GET': {
      const patterns = args.slice(2).map((a) => a.toString('latin1').toLowerCase());
      const pairs = Object.entries(CONFIG).filter(([name]) => patterns.some((p) => p === '*' || p === name));
      return array(pairs.flatMap(([name, value]) => [bulk(name), bulk(value)]));
    }
    case 'RESETSTAT':
      return OK;
    case 'SET':
      return errorReply('ERR CONFIG SET is not supported by this server');
    default:
      return unknownSubcommand(args);
  }
}

function runClient(args: Buffer[], ctx: CommandContext): Buffer {
  switch (sub(args)) {
    case 'SETNAME':
      if (args.length !== 3) return errorReply("ERR wrong number of arguments for 'client|setname' command");
      ctx.clientName = args[2]!.toString('latin1');
      return OK;
    case 'GETNAME':
      return ctx.clientName === null ? NULL_BULK : bulk(ctx.clientName);
    case 'ID':
      return integer(ctx.clientId);
    case 'SETINFO':
      return OK;
    default:
      return unknownSubcommand(args);
  }
}

// HELLO [protover [AUTH u p] [SETNAME name]]: RESP2 only; RESP3 gets NOPROTO so clients fall back.
function runHello(args: Buffer[], ctx: CommandContext): Buffer {
  const proto = args[1]?.toString('latin1');
  if (proto !== undefined && proto !== '2') return errorReply('NOPROTO unsupported protocol version');
  for (let i = 2; i < args.length; i++) {
    const opt = sub(args, i);
    if (opt === 'SETNAME' && args[i + 1]) ctx.clientName = args[++i]!.toString('latin1');
    else if (opt === 'AUTH') return errorReply('ERR AUTH called without any password configured');
  }
  return array([
    bulk('server'), bulk('redis'), bulk('version'), bulk(SERVER_VERSION), bulk('proto'), integer(2),
    bulk('id'), integer(ctx.clientId), bulk('mode'), bulk('standalone'), bulk('role'), bulk('master'),
    bulk('modules'), array([]),
  ]);
}

function runInfo(_args: Buffer[], ctx: CommandContext): Buffer {
  const lines = [
    '# Server', `redis_version:${SERVER_VERSION}`, 'redis_mode:standalone', `process_id:${process.pid}`, '',
    '# Keyspace', `db0:keys=${ctx.store.size},expires=0,avg_ttl=0`, '',
  ];
  return bulk(lines.join('\r\n'));
}

export const ADMIN_COMMANDS: Record<string, CommandSpec> = {
  CONFIG: { arity: -2, run: runConfig },
  CLIENT: { arity: -2, run: runClient },
  HELLO: { arity: -1, run: runHello },
  INFO: { arity: -1, run: runInfo },
  SELECT: { arity: 2, run: (a) => (a[1]!.toString('latin1') === '0' ? OK : errorReply('ERR DB index is out of range')) },
  AUTH: { arity: -2, run: () => errorReply('ERR AUTH called without any password configured') },
};
