import type { KeyChooser } from '../lib/key-chooser.ts';
import type { Completion, Outcome, RequestSink } from '../lib/open-loop.ts';
import type { SeededRandom } from '../lib/prng.ts';
import { RespError } from './resp-common.ts';
import type { RespConnection } from './resp-connection.ts';

const CRLF = Buffer.from('\r\n');

export function keyName(index: number): string {
  return `key:${index}`;
}

// GET/SET frames built directly (one or three buffers), as the hot path of the generator.
export function encodeGet(key: string): Buffer {
  return Buffer.from(`*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`, 'latin1');
}

export function encodeSet(key: string, value: Buffer): Buffer {
  const head = Buffer.from(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n`, 'latin1');
  return Buffer.concat([head, value, CRLF]);
}

export interface KvMixOptions {
  keys: KeyChooser;
  /** Share of GETs; the rest are SETs. */
  readRatio: number;
  value: Buffer;
  /** Decides GET vs SET (its own stream, so the key sequence does not depend on the mix). */
  opRng: SeededRandom;
}

/** Frames cached per key up to this many keys and bytes (beyond, each request is encoded when sent). */
const FRAME_CACHE_KEYS = 1_000_000;
const FRAME_CACHE_BYTES = 64 * 1024 * 1024;

/** The GET and SET frame of each key, encoded once: the generator sends the same bytes again and again. */
class FrameCache {
  private readonly gets: (Buffer | undefined)[];
  private readonly sets: (Buffer | undefined)[];
  private readonly cacheSets: boolean;

  constructor(
    keys: number,
    private readonly value: Buffer,
  ) {
    const cached = Math.min(keys, FRAME_CACHE_KEYS);
    this.gets = new Array<Buffer | undefined>(cached);
    this.sets = new Array<Buffer | undefined>(cached);
    this.cacheSets = cached * (value.length + 64) <= FRAME_CACHE_BYTES;
  }

  get(index: number): Buffer {
    if (index >= this.gets.length) return encodeGet(keyName(index));
    return (this.gets[index] ??= encodeGet(keyName(index)));
  }

  set(index: number): Buffer {
    if (!this.cacheSets || index >= this.sets.length) return encodeSet(keyName(index), this.value);
    return (this.sets[index] ??= encodeSet(keyName(index), this.value));
  }
}

/** The open-loop scheduler's view of the kv connections: each request is a GET or SET of a chosen key. */
export class KvRequestSink implements RequestSink {
  gets = 0;
  sets = 0;
  private readonly frames: FrameCache;
  private done: Completion | undefined;

  constructor(
    private readonly conns: readonly RespConnection[],
    private readonly mix: KvMixOptions,
    /** Keyspace size, for the frame cache. @default 1_000_000 */
    keys = FRAME_CACHE_KEYS,
  ) {
    this.frames = new FrameCache(keys, mix.value);
    const onReply = (seq: number, outcome: Outcome): void => this.done?.(seq, outcome);
    for (const c of conns) c.onReply = onReply;
  }

  send(conn: number, seq: number, done: Completion): void {
    this.done = done;
    const key = this.mix.keys.next();
    const isGet = this.mix.opRng.float() < this.mix.readRatio;
    if (isGet) this.gets++;
    else this.sets++;
    this.pick(conn).send(isGet ? this.frames.get(key) : this.frames.set(key), seq);
  }

  flush(): void {
    for (const c of this.conns) c.flush();
  }

  // The lane's connection, or the next open one if it was lost (its requests then fail honestly).
  private pick(conn: number): RespConnection {
    const n = this.conns.length;
    for (let i = 0; i < n; i++) {
      const c = this.conns[(conn + i) % n]!;
      if (c.isOpen) return c;
    }
    return this.conns[conn % n]!;
  }
}

export interface PreloadResult {
  written: number;
  errors: number;
}

/**
 * Write every key once (pipelined batches over all connections) so GETs hit; runs before the
 * measurement. Throws if a batch gets no answer within `timeoutMs`.
 */
export async function preloadKeyspace(conns: readonly RespConnection[], keys: number, value: Buffer, timeoutMs: number): Promise<PreloadResult> {
  const batch = 1000;
  const result: PreloadResult = { written: 0, errors: 0 };
  for (let start = 0; start < keys; start += batch) {
    const end = Math.min(keys, start + batch);
    const replies: Promise<unknown>[] = [];
    for (let i = start; i < end; i++) {
      const conn = conns[i % conns.length]!;
      replies.push(
        new Promise<void>((resolve) =>
          conn.request(encodeSet(keyName(i), value), (outcome, reply) => {
            if (outcome === 'ok') result.written++;
            else result.errors++;
            if (reply instanceof RespError && result.errors === 1) process.stderr.write(`kv generator: preload error: ${reply.message}\n`);
            resolve();
          }),
        ),
      );
    }
    for (const c of conns) c.flush();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([Promise.all(replies), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new Error(`preload: no reply within ${timeoutMs} ms (keys ${start}..${end - 1})`);
  }
  return result;
}
