import { ADMIN_COMMANDS } from './admin-commands.ts';
import { EMPTY_ARRAY, NULL_BULK, OK, PONG, array, bulk, errorReply, integer } from './resp-encode.ts';

/** What a command may touch: the keyspace and its own connection. */
export interface CommandContext {
  readonly store: Map<string, Buffer>;
  readonly clientId: number;
  clientName: string | null;
  /** Set by QUIT: reply, then close the connection. */
  closeAfterReply: boolean;
}

export interface CommandSpec {
  /** Redis arity: n = exactly n arguments (with the name), -n = at least n. */
  arity: number;
  run(args: Buffer[], ctx: CommandContext): Buffer;
}

/** Commands that read or write one key first: these are the ones the server may perturb. */
export const KEYED_COMMANDS: ReadonlySet<string> = new Set(['GET', 'SET', 'DEL', 'EXISTS', 'INCR']);

// Keys are binary-safe: one char per byte.
export function keyOf(arg: Buffer): string {
  return arg.toString('latin1');
}

const DATA_COMMANDS: Record<string, CommandSpec> = {
  PING: { arity: -1, run: (a) => (a.length > 1 ? bulk(a[1]!) : PONG) },
  ECHO: { arity: 2, run: (a) => bulk(a[1]!) },
  GET: { arity: 2, run: (a, ctx) => bulk(ctx.store.get(keyOf(a[1]!)) ?? null) },
  SET: { arity: -3, run: runSet },
  DEL: { arity: -2, run: (a, ctx) => integer(a.slice(1).filter((k) => ctx.store.delete(keyOf(k))).length) },
  EXISTS: { arity: -2, run: (a, ctx) => integer(a.slice(1).filter((k) => ctx.store.has(keyOf(k))).length) },
  INCR: { arity: 2, run: runIncr },
  DBSIZE: { arity: 1, run: (_a, ctx) => integer(ctx.store.size) },
  FLUSHALL: { arity: -1, run: (_a, ctx) => (ctx.store.clear(), OK) },
  FLUSHDB: { arity: -1, run: (_a, ctx) => (ctx.store.clear(), OK) },
  QUIT: { arity: -1, run: (_a, ctx) => ((ctx.closeAfterReply = true), OK) },
};

const COMMANDS: Record<string, CommandSpec> = { ...DATA_COMMANDS, ...ADMIN_COMMANDS, COMMAND: { arity: -1, run: runCommand } };

/** Names of every supported command (COMMAND COUNT reports how many). */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

// Run one command and return its encoded reply; unknown commands and wrong arity get Redis's errors.
export function executeCommand(args: Buffer[], ctx: CommandContext): Buffer {
  const name = args[0]!.toString('latin1').toUpperCase();
  const spec = COMMANDS[name];
  if (!spec) {
    const rest = args
      .slice(1)
      .map((a) => `'${a.toString('latin1')}'`)
      .join(' ');
    return errorReply(`ERR unknown command '${args[0]!.toString('latin1')}', with args beginning with: ${rest}`);
  }
  if (spec.arity >= 0 ? args.length !== spec.arity : args.length < -spec.arity) {
    return errorReply(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
  }
  return spec.run(args, ctx);
}

// SET key value [NX|XX] [GET]; expiry options are refused rather than silently ignored.
function runSet(args: Buffer[], ctx: CommandContext): Buffer {
  const key = keyOf(args[1]!);
  let nx = false;
  let xx = false;
  let get = false;
  for (const opt of args.slice(3)) {
    const o = opt.toString('latin1').toUpperCase();
    if (o === 'NX') nx = true;
    else if (o === 'XX') xx = true;
    else if (o === 'GET') get = true;
    else if (['EX', 'PX', 'EXAT', 'PXAT', 'KEEPTTL'].includes(o)) return errorReply('ERR expiry is not supported by this server');
    else return errorReply('ERR syntax error');
  }
  if (nx && xx) return errorReply('ERR syntax error');
  const old = ctx.store.get(key);
  const write = !(nx && old !== undefined) && !(xx && old === undefined);
  // Copy: the argument is a view into a socket chunk, which must not be kept alive by the store.
  if (write) ctx.store.set(key, Buffer.from(args[2]!));
  if (get) return bulk(old ?? null);
  return write ? OK : NULL_BULK;
}

function runIncr(args: Buffer[], ctx: CommandContext): Buffer {
  const key = keyOf(args[1]!);
  const old = ctx.store.get(key);
  const text = old?.toString('latin1') ?? '0';
  if (!/^-?\d{1,19}$/.test(text)) return errorReply('ERR value is not an integer or out of range');
  const next = BigInt(text) + 1n;
  if (next > 9223372036854775807n) return errorReply('ERR increment or decrement would overflow');
  ctx.store.set(key, Buffer.from(next.toString()));
  return integer(next);
}

// COMMAND [COUNT|DOCS|INFO …]: enough for redis-cli's start-up probes (no command docs are served).
function runCommand(args: Buffer[]): Buffer {
  const sub = args[1]?.toString('latin1').toUpperCase();
  if (sub === undefined || sub === 'DOCS' || sub === 'LIST') return EMPTY_ARRAY;
  if (sub === 'COUNT') return integer(COMMAND_NAMES.length);
  if (sub === 'INFO') return array(args.slice(2).map(() => NULL_BULK));
  return errorReply(`ERR unknown subcommand '${args[1]!.toString('latin1')}'. Try COMMAND HELP.`);
}
