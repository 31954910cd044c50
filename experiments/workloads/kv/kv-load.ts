import type { KeyChooser } from '../lib/key-chooser.ts';
import type { Outcome, RequestSink } from '../lib/open-loop.ts';
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

/** The open-loop scheduler's view of the kv connections: each request is a GET or SET of a chosen key. */
export class KvRequestSink implements RequestSink {
  gets = 0;
  sets = 0;

  constructor(
    private readonly conns: readonly RespConnection[],
    private readonly mix: KvMixOptions,
  ) {}

  send(conn: number, _seq: number, done: (outcome: Outcome) => void): void {
    const key = keyName(this.mix.keys.next());
    const isGet = this.mix.opRng.float() < this.mix.readRatio;
    if (isGet) this.gets++;
    else this.sets++;
    this.pick(conn).request(isGet ? encodeGet(key) : encodeSet(key, this.mix.value), done);
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
