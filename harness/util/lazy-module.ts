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
