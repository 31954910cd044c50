import net from 'node:net';
import type { Outcome } from './open-loop.ts';

export type Completion<R> = (outcome: Outcome, reply?: R) => void;

// Open a TCP connection; rejects with the socket error (ECONNREFUSED…) or a timeout.
export function connectSocket(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
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
      resolve(socket);
    });
  });
}

/**
 * One pipelined client connection of a request/reply protocol: requests are queued without waiting,
 * replies come back in order and complete the oldest pending request. Writes are corked until
 * `flush()`, one syscall per batch. Subclasses parse the byte stream and call `complete()`.
 */
export abstract class PipelinedConnection<R> {
  private pending: Completion<R>[] = [];
  private pendingHead = 0;
  private outbox: Buffer[] = [];
  private closed = false;
  /** Why the connection closed, if it did. */
  closeReason: string | undefined;

  protected constructor(protected readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
      this.compact();
    });
    socket.on('error', (err) => this.fail(err.message));
    socket.on('close', () => this.fail('connection closed by server'));
  }

  /** Parse `chunk` and `complete()` each whole reply; `fail()` on a protocol error. */
  protected abstract onData(chunk: Buffer): void;

  get outstanding(): number {
    return this.pending.length - this.pendingHead;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  // Queue an encoded request; `done` gets 'error' for a failed reply or a lost connection.
  request(frame: Buffer, done: Completion<R>): void {
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

  // Close now; requests still pending fail with 'error'.
  close(): void {
    this.fail('closed by client');
  }

  // Hand a reply to the oldest pending request; false (and the connection failed) if there is none.
  protected complete(outcome: Outcome, reply: R): boolean {
    const done = this.pending[this.pendingHead];
    if (!done) {
      this.fail('reply without a request');
      return false;
    }
    this.pending[this.pendingHead++] = undefined as unknown as Completion<R>;
    done(outcome, reply);
    return true;
  }

  // Fail every pending request once; later requests fail immediately.
  protected fail(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.socket.destroy();
    const waiting = this.pending.slice(this.pendingHead);
    this.pending = [];
    this.pendingHead = 0;
    for (const done of waiting) done('error');
  }

  // Drop the consumed head of the queue once it dominates it.
  private compact(): void {
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }
}
