import type { KeyChooser } from '../lib/key-chooser.ts';
import type { Outcome, RequestSink } from '../lib/open-loop.ts';
import type { HttpConnection } from './http-connection.ts';

export interface LbRequestOptions {
  /** `Host` header value. */
  authority: string;
  keys: KeyChooser;
  /** Request target prefix; the key index follows. @default '/k/' */
  pathPrefix?: string;
  /** Header carrying the key for consistent hashing; empty = none. @default 'x-lb-key' */
  keyHeader?: string;
}

// A GET with the key in the path (and in the key header), built as one buffer for the hot path.
export function encodeGet(authority: string, path: string, keyHeader: string, key: string): Buffer {
  const keyLine = keyHeader ? `${keyHeader}: ${key}\r\n` : '';
  return Buffer.from(`GET ${path} HTTP/1.1\r\nhost: ${authority}\r\n${keyLine}\r\n`, 'latin1');
}

/** The open-loop scheduler's view of the balancer: each request is a keyed GET on a lane's connection. */
export class LbRequestSink implements RequestSink {
  /** Measured responses per answering backend (the `x-backend-id` header, else `x-lb-backend`). */
  readonly perBackend = new Map<string, number>();
  /** Measured non-2xx/3xx responses per status code. */
  readonly badStatus = new Map<number, number>();

  constructor(
    private readonly conns: readonly HttpConnection[],
    private readonly opts: LbRequestOptions,
  ) {}

  send(conn: number, _seq: number, done: (outcome: Outcome) => void, measured: boolean): void {
    const index = this.opts.keys.next();
    const key = `key:${index}`;
    const frame = encodeGet(this.opts.authority, `${this.opts.pathPrefix ?? '/k/'}${index}`, this.opts.keyHeader ?? 'x-lb-key', key);
    this.pick(conn).request(frame, (outcome, res) => {
      if (measured && res) {
        const backend = res.headers.get('x-backend-id') ?? res.headers.get('x-lb-backend') ?? 'unknown';
        this.perBackend.set(backend, (this.perBackend.get(backend) ?? 0) + 1);
        if (outcome !== 'ok') this.badStatus.set(res.status, (this.badStatus.get(res.status) ?? 0) + 1);
      }
      done(outcome);
    });
  }

  flush(): void {
    for (const c of this.conns) c.flush();
  }

  // The lane's connection, or the next open one if it was lost (its requests then fail honestly).
  private pick(conn: number): HttpConnection {
    const n = this.conns.length;
    for (let i = 0; i < n; i++) {
      const c = this.conns[(conn + i) % n]!;
      if (c.isOpen) return c;
    }
    return this.conns[conn % n]!;
  }
}
