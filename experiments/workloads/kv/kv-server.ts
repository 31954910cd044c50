import net from 'node:net';
import { KEYED_COMMANDS, executeCommand, keyOf, type CommandContext } from './commands.ts';
import { RespProtocolError } from './resp-common.ts';
import { errorReply } from './resp-encode.ts';
import { RespRequestParser } from './resp-request-parser.ts';
import { closeServer, listen, type ListenAddress } from '../lib/tcp-listener.ts';
import type { Perturber } from './perturbation.ts';
import { performance } from 'node:perf_hooks';
import { spinFor } from '../lib/busy-wait.ts';

export type { ListenAddress };

export interface KvServerOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port; `start()` returns the real one. */
  port: number;
  /** Adds service time to chosen keyed requests (and logs them). */
  perturber?: Perturber;
  /** A deliberately slow start (like a cold cache or JIT): every command of the first `ms` after the first one costs `us` µs of CPU more. */
  slowStart?: { ms: number; us: number };
}

/** An in-memory RESP2 key-value server, single-threaded like Redis: one slow request delays the rest. */
export class KvServer {
  private readonly store = new Map<string, Buffer>();
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | undefined;
  private nextClientId = 0;
  /** Every command handled, keyed or not. */
  commands = 0;
  /** When the slow start ends (performance.now() ms); NaN until the first command. */
  private slowUntil = Number.NaN;

  constructor(private readonly opts: KvServerOptions) {}

  // Listen; resolves with the bound address once connections are accepted.
  start(): Promise<ListenAddress> {
    this.server = net.createServer((socket) => this.serve(socket));
    return listen(this.server, this.opts.port, this.opts.host ?? '127.0.0.1');
  }

  // Stop accepting, close every connection, resolve when the listener is closed.
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server, () => this.sockets.forEach((s) => s.destroy()));
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const parser = new RespRequestParser();
    const ctx: CommandContext = { store: this.store, clientId: ++this.nextClientId, clientName: null, closeAfterReply: false };
    socket.on('data', (chunk: Buffer) => {
      if (ctx.closeAfterReply) return;
      parser.push(chunk);
      const replies = this.runPipeline(parser, ctx);
      // Replies of one chunk leave in one write; stop reading while the client does not read ours.
      if (replies.length > 0 && !socket.write(replies.length === 1 ? replies[0]! : Buffer.concat(replies))) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
      if (ctx.closeAfterReply) socket.end();
    });
    socket.on('error', () => {}); // resets by clients are normal at the end of a benchmark
    socket.on('close', () => this.sockets.delete(socket));
  }

  // Execute every complete command buffered so far; a protocol error answers once and closes.
  private runPipeline(parser: RespRequestParser, ctx: CommandContext): Buffer[] {
    const replies: Buffer[] = [];
    try {
      for (let args = parser.next(); args !== undefined; args = parser.next()) {
        replies.push(this.handle(args, ctx));
        if (ctx.closeAfterReply) break;
      }
    } catch (err) {
      if (!(err instanceof RespProtocolError)) throw err;
      replies.push(errorReply(`ERR Protocol error: ${err.message}`));
      ctx.closeAfterReply = true;
    }
    return replies;
  }

  private handle(args: Buffer[], ctx: CommandContext): Buffer {
    this.commands++;
    const slow = this.opts.slowStart;
    if (slow) {
      if (Number.isNaN(this.slowUntil)) this.slowUntil = performance.now() + slow.ms;
      if (performance.now() < this.slowUntil) spinFor(slow.us);
    }
    if (this.opts.perturber && args.length >= 2) {
      const name = args[0]!.toString('latin1').toUpperCase();
      if (KEYED_COMMANDS.has(name)) this.opts.perturber.onKeyedRequest(name, keyOf(args[1]!));
    }
    return executeCommand(args, ctx);
  }
}
