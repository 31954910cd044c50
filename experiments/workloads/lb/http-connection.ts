import net from 'node:net';
import type { Outcome } from '../lib/open-loop.ts';
import { HttpResponseParser, type HttpResponse } from './http-response-parser.ts';

export type ResponseCallback = (outcome: Outcome, res?: HttpResponse) => void;

/**
 * One pipelined HTTP/1.1 client connection (keep-alive): requests are written without waiting,
 * responses arrive in order and complete the oldest pending request. Writes are corked until `flush()`.
 * If the server closes the connection (or says `connection: close`), every unanswered request fails.
 */
export class HttpConnection {
  private readonly parser = new HttpResponseParser();
  private pending: ResponseCallback[] = [];
  private pendingHead = 0;
  private outbox: Buffer[] = [];
  private closed = false;
  closeReason: string | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err.message));
    socket.on('end', () => {
      const last = this.parser.end();
      if (last) this.complete(last);
      this.fail('connection closed by server');
    });
    socket.on('close', () => this.fail('connection closed'));
  }

  // Open a connection; rejects with the socket error (ECONNREFUSED…) or a timeout.
  static connect(host: string, port: number, timeoutMs: number): Promise<HttpConnection> {
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
        resolve(new HttpConnection(socket));
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get outstanding(): number {
    return this.pending.length - this.pendingHead;
  }

  // Queue an encoded request; `done` gets 'ok' for 2xx/3xx, 'error' otherwise or when the connection is lost.
  request(frame: Buffer, done: ResponseCallback): void {
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

  close(): void {
    this.fail('closed by client');
  }

  private onData(chunk: Buffer): void {
    this.parser.push(chunk);
    try {
      for (let res = this.parser.next(); res !== undefined; res = this.parser.next()) {
        if (!this.complete(res)) return;
        if (res.closes) return this.fail('server closed the connection (connection: close)');
      }
    } catch (err) {
      return this.fail(`bad response: ${(err as Error).message}`);
    }
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  // Hand a response to the oldest pending request; false (and the connection failed) if there is none.
  private complete(res: HttpResponse): boolean {
    const done = this.pending[this.pendingHead];
    if (!done) {
      this.fail('response without a request');
      return false;
    }
    this.pending[this.pendingHead++] = undefined as unknown as ResponseCallback;
    done(res.status >= 200 && res.status < 400 ? 'ok' : 'error', res);
    return true;
  }

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
