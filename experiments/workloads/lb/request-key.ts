import type { IncomingMessage } from 'node:http';

/** Where the consistent-hash key of a request comes from: a header (falling back to the path) or the path. */
export type KeySource = { kind: 'path' } | { kind: 'header'; name: string };

export const DEFAULT_KEY_SOURCE = 'header:x-lb-key';

// Parse `path` or `header:<name>`; returns undefined for anything else.
export function parseKeySource(spec: string): KeySource | undefined {
  if (spec === 'path') return { kind: 'path' };
  const m = /^header:([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(spec);
  return m ? { kind: 'header', name: m[1]!.toLowerCase() } : undefined;
}

// The request's key: the header's (first) value when present, else the request target (path and query).
export function requestKey(req: IncomingMessage, source: KeySource): string {
  if (source.kind === 'header') {
    const v = req.headers[source.name];
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined && first !== '') return first;
  }
  return req.url ?? '/';
}
