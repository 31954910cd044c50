import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { matchPatternList } from './host-patterns.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** One key line of a known_hosts file. */
export interface KnownHostsEntry {
  file: string;
  /** 1-based line number. */
  line: number;
  marker: '@revoked' | '@cert-authority' | null;
  /** The comma-separated host patterns, or one `|1|salt|hash` hashed name. */
  hosts: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyCheck =
  | { status: 'ok'; entry: KnownHostsEntry }
  | { status: 'unknown'; otherTypes: KnownHostsEntry[] }
  | { status: 'changed'; entry: KnownHostsEntry }
  | { status: 'revoked'; entry: KnownHostsEntry };

/** The server offered a host key that known_hosts does not vouch for. */
export class HostKeyError extends HarnessError {
  readonly failureKind = 'remote' as const;
  override name = 'HostKeyError';
  constructor(
    readonly kind: 'unknown' | 'changed' | 'revoked',
    message: string,
    /** SHA256 fingerprint of the offered key, as `ssh-keygen -l` prints it. */
    readonly fingerprint: string,
  ) {
    super(message);
  }
}

// The key type named inside an SSH wire-format public key blob (its first string).
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return len > 0 && len <= 64 && blob.length >= 4 + len ? blob.toString('latin1', 4, 4 + len) : 'unknown';
}

// `SHA256:…` without padding, exactly as ssh-keygen -l and ssh print it.
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

// Every key line of a known_hosts text; comments, blanks and malformed lines are skipped.
export function parseKnownHosts(text: string, file: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    const marker = fields[0] === '@revoked' || fields[0] === '@cert-authority' ? fields.shift()! : null;
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    entries.push({ file, line: i + 1, marker: marker as KnownHostsEntry['marker'], hosts, keyType, key: Buffer.from(b64, 'base64') });
  });
  return entries;
}

// The name OpenSSH looks up: `host` on port 22, else `[host]:port`.
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

// Whether an entry's host field names this host (hashed names, patterns with * ? and ! negation).
export function entryMatches(entry: Pick<KnownHostsEntry, 'hosts'>, name: string): boolean {
  if (entry.hosts.startsWith('|1|')) return hashedMatches(entry.hosts, name);
  return matchPatternList(entry.hosts.split(','), name);
}

function hashedMatches(hashed: string, name: string): boolean {
  const [, , salt, hash] = hashed.split('|');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

// Read known_hosts files (missing ones are skipped, as ssh does).
export function loadKnownHosts(files: readonly string[]): KnownHostsEntry[] {
  return files.flatMap((f) => (existsSync(f) ? parseKnownHosts(readFileSync(f, 'utf8'), f) : []));
}

// Verify an offered key for a host name: ok, unknown, changed (same type, other key) or revoked.
export function checkHostKey(entries: readonly KnownHostsEntry[], name: string, offered: Buffer): HostKeyCheck {
  const type = keyTypeOf(offered);
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key.equals(offered));
  if (revoked) return { status: 'revoked', entry: revoked };
  const forHost = entries.filter((e) => e.marker === null && entryMatches(e, name));
  const same = forHost.find((e) => e.keyType === type && e.key.equals(offered));
  if (same) return { status: 'ok', entry: same };
  const changed = forHost.find((e) => e.keyType === type);
  if (changed) return { status: 'changed', entry: changed };
  return { status: 'unknown', otherTypes: forHost };
}

// Key types known for a host, to ask the server for those first (as OpenSSH orders HostKeyAlgorithms).
export function knownKeyTypes(entries: readonly KnownHostsEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => e.marker === null && entryMatches(e, name)).map((e) => e.keyType))];
}

export interface HostKeyContext {
  /** How the host reads in messages, e.g. `gen1 (10.211.0.2:22)`. */
  label: string;
  /** The name looked up (`10.211.0.2` or `[10.211.0.2]:2222`). */
  name: string;
  host: string;
  port: number;
  knownHostsFiles: readonly string[];
  /** Extra hint for the unknown-key case (the testbed's own `up` command). */
  hint?: string;
  /** Replaces the sentence about `strict_host_key_checking: false` (jump hosts cannot opt out). */
  optOut?: string;
}

// The error for a failed check: what was offered, where it was looked up, and exactly how to fix it.
export function hostKeyError(check: Exclude<HostKeyCheck, { status: 'ok' }>, offered: Buffer, ctx: HostKeyContext): HostKeyError {
  const type = keyTypeOf(offered);
  const fp = fingerprintSha256(offered);
  const file = ctx.knownHostsFiles[0] ?? '~/.ssh/known_hosts';
  const shortType = type.replace(/^ssh-/, '').replace(/^ecdsa-sha2-nistp\d+$/, 'ecdsa');
  const keyscan = `ssh-keyscan -p ${ctx.port} -t ${shortType} ${ctx.host} >> ${file}`;
  const optOut = ctx.optOut ?? 'Only if this host cannot be verified, set `strict_host_key_checking: false` in its remote spec (recorded in plan.json).';
  if (check.status === 'unknown') {
    const searched = ctx.knownHostsFiles.length > 0 ? ctx.knownHostsFiles.join(', ') : '(no known_hosts files)';
    const others = check.otherTypes.length > 0 ? ` (known_hosts has only ${[...new Set(check.otherTypes.map((e) => e.keyType))].join(', ')} keys for it)` : '';
    return new HostKeyError(
      'unknown',
      [
        `Host key for ${ctx.label} is unknown: no ${type} key for ${ctx.name} in ${searched}${others}.`,
        `The server offered ${type} ${fp}.`,
        `If that is the right host (compare with \`ssh-keygen -lf /etc/ssh/ssh_host_${shortType}_key.pub\` on it), add its key:`,
        `  ${keyscan}`,
        ...(ctx.hint ? [ctx.hint] : []),
        optOut,
      ].join('\n'),
      fp,
    );
  }
  const e = check.entry;
  if (check.status === 'revoked') {
    return new HostKeyError('revoked', `Host key for ${ctx.label} is REVOKED: ${type} ${fp} is marked @revoked at ${e.file}:${e.line}. Refusing to connect.`, fp);
  }
  return new HostKeyError(
    'changed',
    [
      `WARNING: host key CHANGED for ${ctx.label}: the server offered ${type} ${fp},`,
      `but ${e.file}:${e.line} holds a different ${e.keyType} key (${fingerprintSha256(e.key)}) for ${ctx.name}.`,
      'Someone may be intercepting the connection, or the host was reinstalled (a re-created testbed has a fresh key). Refusing to connect.',
      `If the change is expected, remove the old entry and add the new key:`,
      `  ssh-keygen -f ${e.file} -R '${ctx.name}'`,
      `  ${keyscan.replace(/>> .*$/, `>> ${e.file}`)}`,
    ].join('\n'),
    fp,
  );
}
