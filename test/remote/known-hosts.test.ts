// known_hosts parsing and matching, checked against OpenSSH's own tools (ssh-keygen) where they exist.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHostKey, entryMatches, fingerprintSha256, keyTypeOf, knownHostsName, parseKnownHosts } from '../../harness/remote/index.ts';
import { hostKeyError } from '../../harness/remote/known-hosts.ts';

let dir: string;
let keyA: { line: string; blob: Buffer; pub: string };
let keyB: { line: string; blob: Buffer; pub: string };

async function makeKey(name: string): Promise<{ line: string; blob: Buffer; pub: string }> {
  const file = path.join(dir, name);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  const [type, b64] = readFileSync(`${file}.pub`, 'utf8').split(' ');
  return { line: `${type} ${b64}`, blob: Buffer.from(b64!, 'base64'), pub: `${file}.pub` };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'known-hosts-'));
  [keyA, keyB] = await Promise.all([makeKey('a'), makeKey('b')]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('known_hosts', () => {
  it('reads the key type from the blob and prints the fingerprint exactly as ssh-keygen -l does', async () => {
    expect(keyTypeOf(keyA.blob)).toBe('ssh-ed25519');
    const r = await execa('ssh-keygen', ['-l', '-f', keyA.pub]);
    expect(fingerprintSha256(keyA.blob)).toBe(r.stdout.split(' ')[1]);
  });

  it('looks up `host` on port 22 and `[host]:port` otherwise', () => {
    expect(knownHostsName('10.211.0.2', 22)).toBe('10.211.0.2');
    expect(knownHostsName('10.211.0.2', 2222)).toBe('[10.211.0.2]:2222');
    const entries = parseKnownHosts(`[10.211.0.2]:2222 ${keyA.line}\n`, 'kh');
    expect(checkHostKey(entries, '[10.211.0.2]:2222', keyA.blob).status).toBe('ok');
    expect(checkHostKey(entries, '10.211.0.2', keyA.blob).status).toBe('unknown');
  });

  it('matches comma lists, wildcards and negations case-insensitively', () => {
    const e = { hosts: 'gen*,10.211.0.?,!gen-bad,Other.Lab' };
    expect(['gen1', '10.211.0.7', 'other.lab', 'OTHER.LAB'].map((h) => entryMatches(e, h))).toEqual([true, true, true, true]);
    expect(['gen-bad', '10.211.0.77', 'x'].map((h) => entryMatches(e, h))).toEqual([false, false, false]);
  });

  it('matches hashed |1| entries written by ssh-keygen -H, plain and [host]:port', async () => {
    const file = path.join(dir, 'hashed');
    writeFileSync(file, `10.211.0.2 ${keyA.line}\n[10.211.0.2]:2222 ${keyA.line}\n`);
    await execa('ssh-keygen', ['-H', '-f', file]);
    const entries = parseKnownHosts(readFileSync(file, 'utf8'), file);
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true);
    expect(checkHostKey(entries, '10.211.0.2', keyA.blob).status).toBe('ok');
    expect(checkHostKey(entries, '[10.211.0.2]:2222', keyA.blob).status).toBe('ok');
    expect(checkHostKey(entries, '10.211.0.3', keyA.blob).status).toBe('unknown');
  });

  it('reports a changed key with its file and line, and a revoked key', () => {
    const entries = parseKnownHosts(`# comment\n\ngen1 ${keyA.line}\n@revoked * ${keyB.line}\n`, '/kh');
    const changed = checkHostKey(entries, 'gen1', Buffer.concat([keyA.blob.subarray(0, -1), Buffer.from([keyA.blob.at(-1)! ^ 1])]));
    expect(changed).toMatchObject({ status: 'changed', entry: { file: '/kh', line: 3 } });
    expect(checkHostKey(entries, 'gen1', keyB.blob).status).toBe('revoked');
  });

  it('skips malformed lines and @cert-authority entries', () => {
    const entries = parseKnownHosts(`garbage\nhost ssh-ed25519 not*base64\n@cert-authority *.lab ${keyA.line}\n`, 'kh');
    expect(entries).toHaveLength(1);
    expect(checkHostKey(entries, 'x.lab', keyA.blob).status).toBe('unknown');
  });

  it('the unknown-key message carries the fingerprint and a keyscan line for the right port and file', () => {
    const check = checkHostKey([], '[10.211.0.9]:2222', keyA.blob);
    if (check.status === 'ok') throw new Error('unexpected');
    const err = hostKeyError(check, keyA.blob, { label: 'gen1 (10.211.0.9:2222)', name: '[10.211.0.9]:2222', host: '10.211.0.9', port: 2222, knownHostsFiles: ['/k/known_hosts'] });
    expect(err.kind).toBe('unknown');
    expect(err.message).toContain(fingerprintSha256(keyA.blob));
    expect(err.message).toContain('ssh-keyscan -p 2222 -t ed25519 10.211.0.9 >> /k/known_hosts');
  });
});
