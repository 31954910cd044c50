import net from 'node:net';
import type { Outcome } from '../lib/open-loop.ts';
import { RespError, type RespValue } from './resp-common.ts';
import { RespReplyParser } from './resp-reply-parser.ts';

export type ReplyCallback = (outcome: Outcome, reply?: RespValue) => void;

/**
 * One pipelined client connection: requests are queued without waiting, replies come back in order
 * and complete the oldest pending request. Writes are corked until `flush()`, one syscall per batch.
 */
export class RespConnection {
  private readonly parser = new RespReplyParser();
  private pending: ReplyCallback[] = [];
  private pendingHead = 0;
  private outbox: Buffer[] = [];
  private closed = false;
  /** Why the connection closed, if it did. */
  closeReason: string | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err.message));
    socket.on('close', () => this.fail('connection closed by server'));
  }

  // Open a connection; rejects with the socket error (ECONNREFUSED…) or a timeout.
  static connect(host: string, port: number, timeoutMs: number): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RespConnection(socket));
      });
    });
  }

  get outstanding(): number {
    return this.pending.length - this.pendingHead;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  // Queue an encoded command; `done` gets 'error' for an error reply or a lost connection.
  request(frame: Buffer, done: ReplyCallback): void {
    if (this.closed) return done('error');
    this.pending.push(done);
    this.outbox.push(frame);
  }

  flush(): void {
    if (this.outbox.length === 0 || this.closed) return;
    const data = this.outbox.length === 1 ? this.outbox[0]! : Buffer.concat(this.outbox);
    this.outbox = [];
    this.socket.write(data);
  }

  // Send one command and wait for its reply (preload, checks): a convenience over request().
  command(frame: Buffer): Promise<RespValue | undefined> {
    return new Promise((resolve) => {
      this.request(frame, (_outcome, reply) => resolve(reply));
      this.flush();
    });
  }

  // Close now; requests still pending fail with 'error'.
  close(): void {
    this.fail('closed by client');
  }

  private onData(chunk: Buffer): void {
    this.parser.push(chunk);
    try {
      for (let reply = this.parser.next(); reply !== undefined; reply = this.parser.next()) {
        const done = this.pending[this.pendingHead];
        if (!done) return this.fail('reply without a request');
        this.pending[this.pendingHead++] = undefined as unknown as ReplyCallback;
        done(reply instanceof RespError ? 'error' : 'ok', reply);
      }
    } catch (err) {
      return this.fail(`bad reply: ${(err as Error).message}`);
    }
    // Compact the queue once its consumed head dominates it.
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  // Fail every pending request once; later requests fail immediately.
  private fail(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.socket.destroy();
    const waiting = this.pending.slice(this.pendingHead);
    this.pending = [];
    this.pendingHead = 0;
    for (const done of waiting) done('error');
  }
}
