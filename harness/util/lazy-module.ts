import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS dependency loaded on its first use, not when the harness starts: ssh2 (only remote
 * clients need it) and hdr-histogram-js (only histogram parsing) cost ~70 ms each to import, which
 * every experiment worker and `harness run` paid before its first run. Types come from
 * `typeof import(id)`, so call sites stay checked.
 */
export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}

/** ssh2 (CommonJS: its `utils` is no ESM named export anyway). */
export const loadSsh2 = lazyModule<typeof import('ssh2')>('ssh2');
/** hdr-histogram-js. */
export const loadHdrHistogram = lazyModule<typeof import('hdr-histogram-js')>('hdr-histogram-js');
