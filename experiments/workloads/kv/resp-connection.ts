import type net from 'node:net';
import { PipelinedConnection, connectSocket, type Completion } from '../lib/pipelined-connection.ts';
import { RespError, type RespValue } from './resp-common.ts';
import { RespReplyParser } from './resp-reply-parser.ts';

export type ReplyCallback = Completion<RespValue>;

/** One pipelined RESP client connection: an error reply completes its request with 'error'. */
export class RespConnection extends PipelinedConnection<RespValue> {
  private readonly parser = new RespReplyParser();

  private constructor(socket: net.Socket) {
    super(socket);
  }

  static async connect(host: string, port: number, timeoutMs: number): Promise<RespConnection> {
    return new RespConnection(await connectSocket(host, port, timeoutMs));
  }

  // Send one command and wait for its reply (preload, checks): a convenience over request().
  command(frame: Buffer): Promise<RespValue | undefined> {
    return new Promise((resolve) => {
      this.request(frame, (_outcome, reply) => resolve(reply));
      this.flush();
    });
  }

  protected onData(chunk: Buffer): void {
    this.parser.push(chunk);
    try {
      for (;;) {
        // A hot-path request needs only whether it failed: skip the reply without building its value.
        if (this.nextIsHotPath()) {
          const kind = this.parser.skip();
          if (kind === undefined || !this.complete(kind, undefined)) return;
          continue;
        }
        const reply = this.parser.next();
        if (reply === undefined || !this.complete(reply instanceof RespError ? 'error' : 'ok', reply)) return;
      }
    } catch (err) {
      this.fail(`bad reply: ${(err as Error).message}`);
    }
  }
}
