import type { KeyChooser } from '../lib/key-chooser.ts';
import type { Completion, Outcome, RequestSink } from '../lib/open-loop.ts';
import type { HttpConnection } from './http-connection.ts';
import type { HttpResponse } from './http-response-parser.ts';

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

/** Request frames cached for up to this many keys (beyond, each request is encoded when sent). */
const FRAME_CACHE_KEYS = 1_000_000;

/** The open-loop scheduler's view of the balancer: each request is a keyed GET on a lane's connection. */
export class LbRequestSink implements RequestSink {
  /** Measured responses per answering backend (the `x-backend-id` header, else `x-lb-backend`). */
  readonly perBackend = new Map<string, number>();
  /** Measured non-2xx/3xx responses per status code. */
  readonly badStatus = new Map<number, number>();
  private readonly frames = new Map<number, Buffer>();
  private done: Completion | undefined;
  /** Sequence number of the first measured request (warm-up requests come before it). */
  private measuredFrom = Number.POSITIVE_INFINITY;

  constructor(
    private readonly conns: readonly HttpConnection[],
    private readonly opts: LbRequestOptions,
  ) {
    const onReply = (seq: number, outcome: Outcome, res: HttpResponse | undefined): void => {
      if (res && seq >= this.measuredFrom) this.count(outcome, res);
      this.done?.(seq, outcome);
    };
    for (const c of conns) c.onReply = onReply;
  }

  send(conn: number, seq: number, done: Completion, measured: boolean): void {
    this.done = done;
    if (measured && seq < this.measuredFrom) this.measuredFrom = seq;
    this.pick(conn).send(this.frame(this.opts.keys.next()), seq);
  }

  private frame(index: number): Buffer {
    const cached = this.frames.get(index);
    if (cached) return cached;
    const frame = encodeGet(this.opts.authority, `${this.opts.pathPrefix ?? '/k/'}${index}`, this.opts.keyHeader ?? 'x-lb-key', `key:${index}`);
    if (this.frames.size < FRAME_CACHE_KEYS) this.frames.set(index, frame);
    return frame;
  }

  private count(outcome: Outcome, res: HttpResponse): void {
    const backend = res.headers.get('x-backend-id') ?? res.headers.get('x-lb-backend') ?? 'unknown';
    this.perBackend.set(backend, (this.perBackend.get(backend) ?? 0) + 1);
    if (outcome !== 'ok') this.badStatus.set(res.status, (this.badStatus.get(res.status) ?? 0) + 1);
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
