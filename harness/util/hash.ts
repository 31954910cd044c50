import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

// Canonical JSON: sorted keys, so equal values always hash the same.
export function canonicalJson(value: unknown): string {
  return stringify(value) ?? 'null';
}

// Short stable hex id of any JSON-able value.
export function hashValue(value: unknown, length = 12): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
