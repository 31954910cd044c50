import net from 'node:net';
import { NumberQueue } from './number-queue.ts';
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

/** Receives the replies of requests sent with `send(frame, seq)`: the generators' hot path. */
export type ReplyHandler<R> = (seq: number, outcome: Outcome, reply: R | undefined) => void;

/**
 * One pipelined client connection of a request/reply protocol: requests are queued without waiting,
 * replies come back in order and complete the oldest pending request. Writes are corked until
 * `flush()`, one syscall per batch. Subclasses parse the byte stream and call `complete()`.
 * Hot-path requests (`send`) are queued as bare sequence numbers, so they allocate nothing per request;
 * `request` takes a callback for the occasional command (preload, checks).
 */
export abstract class PipelinedConnection<R> {
  /** Pending requests, oldest first: a sequence number (>= 0) or a callback id (< 0). */
  private readonly pending = new NumberQueue(256);
  private readonly callbacks = new Map<number, Completion<R>>();
  private nextCallbackId = -1;
  private outbox: Buffer[] = [];
  private closed = false;
  /** Why the connection closed, if it did. */
  closeReason: string | undefined;
  /** Where replies to `send()` go. */
  onReply: ReplyHandler<R> = () => {};

  protected constructor(protected readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err.message));
    socket.on('close', () => this.fail('connection closed by server'));
  }

  /** Parse `chunk` and `complete()` each whole reply; `fail()` on a protocol error. */
  protected abstract onData(chunk: Buffer): void;

  get outstanding(): number {
    return this.pending.length;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  // Queue request `seq`; its reply (or 'error' for a lost connection) goes to `onReply`.
  send(frame: Buffer, seq: number): void {
    if (this.closed) return this.onReply(seq, 'error', undefined);
    this.pending.push(seq);
    this.outbox.push(frame);
  }

  // Queue an encoded request; `done` gets 'error' for a failed reply or a lost connection.
  request(frame: Buffer, done: Completion<R>): void {
    if (this.closed) return done('error');
    const id = this.nextCallbackId--;
    this.callbacks.set(id, done);
    this.pending.push(id);
    this.outbox.push(frame);
  }

  flush(): void {
    if (this.outbox.length === 0 || this.closed) return;
    const data = this.outbox.length === 1 ? this.outbox[0]! : Buffer.concat(this.outbox);
    this.outbox.length = 0;
    this.socket.write(data);
  }

  // Whether the oldest pending request was sent with `send()` (its reply value is not needed).
  protected nextIsHotPath(): boolean {
    return (this.pending.peek() ?? -1) >= 0;
  }

  // Close now; requests still pending fail with 'error'.
  close(): void {
    this.fail('closed by client');
  }

  // Hand a reply to the oldest pending request; false (and the connection failed) if there is none.
  protected complete(outcome: Outcome, reply: R | undefined): boolean {
    const id = this.pending.shift();
    if (id === undefined) {
      this.fail('reply without a request');
      return false;
    }
    this.deliver(id, outcome, reply);
    return true;
  }

  // Fail every pending request once; later requests fail immediately.
  protected fail(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.socket.destroy();
    this.outbox.length = 0;
    this.pending.drain((id) => this.deliver(id, 'error', undefined));
  }

  private deliver(id: number, outcome: Outcome, reply: R | undefined): void {
    if (id >= 0) return this.onReply(id, outcome, reply);
    const done = this.callbacks.get(id);
    this.callbacks.delete(id);
    done?.(outcome, reply);
  }
}
