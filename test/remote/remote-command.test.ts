// The pure parts of remote execution: command lines, markers, the barrier, paths and error text.
// The wrapper's behaviour on a real sshd is covered in remote-process.test.ts.
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { parse as parseShell } from 'shell-quote';
import { describe, expect, it } from 'vitest';
import { buildKillCommand, buildRemoteCommand, checkRemoteName, displayRemoteCommand, resolveSshHost, StartBarrier, toSftpPath } from '../../harness/remote/index.ts';
import { classifyConnectError } from '../../harness/remote/connect-errors.ts';
import { MarkerFilter } from '../../harness/remote/marker-filter.ts';
import { parseMarker, type WrapperMarker } from '../../harness/remote/remote-command.ts';

describe('buildRemoteCommand', () => {
  it('passes each argument as one shell word; only a leading ~/ stays bare', () => {
    const argv = ['kv_client', '--name', '; rm -rf ~', '$HOME', "it's", '~/data', 'x~/y'];
    const cmd = buildRemoteCommand({ argv, workdir: '~/MicroSentinel' });
    expect(cmd).toMatch(/ ~\/MicroSentinel 5 0 kv_client --name '; rm -rf ~' '\$HOME' 'it'\\''s' ~\/data 'x~\/y'$/);
    const words = parseShell(cmd, (name) => `$${name}`);
    expect(words.every((w) => typeof w === 'string')).toBe(true); // no operators reach the remote shell
    expect(words.slice(-argv.length)).toEqual(argv);
  });

  it('exports env through env(1), refusing names that are not identifiers', () => {
    expect(buildRemoteCommand({ argv: ['true'], env: { RATE: '5 k' } })).toMatch(/^exec env 'RATE=5 k' sh -c /);
    expect(() => buildRemoteCommand({ argv: ['true'], env: { 'A;B': '1' } })).toThrow(/not a shell identifier/);
    expect(() => buildRemoteCommand({ argv: [] })).toThrow(/argv is empty/);
  });

  it('marks the barrier and the grace period as wrapper arguments', () => {
    expect(buildRemoteCommand({ argv: ['true'], barrier: true, graceS: 2.5, name: 'kv-gen' })).toMatch(/' kv-gen ~ 3 1 true$/);
  });

  it('displays the command the way a person would type it', () => {
    expect(displayRemoteCommand(['python3', 'lb_client.py', '--out', '~/m/x.json', 'a b'], '~/MicroSentinel')).toBe("cd ~/MicroSentinel && python3 lb_client.py --out ~/m/x.json 'a b'");
  });

  it('builds a kill command for a process group and refuses pgid 0/1', () => {
    expect(buildKillCommand(4242, 'SIGINT', 1000)).toMatch(/ harness-kill 4242 INT 20$/);
    expect(() => buildKillCommand(1, 'SIGTERM', 1000)).toThrow(/refusing/);
    expect(() => buildKillCommand(0, 'SIGTERM', 1000)).toThrow(/refusing/);
  });
});

describe('MarkerFilter', () => {
  it('takes wrapper markers out of stderr, split across chunks, and passes everything else', async () => {
    const seen: WrapperMarker[] = [];
    const chunks = ['cd: warn\n\x1eHARNESS wai', 'ting\n\x1eHARNESS pgid=77\nreal stderr\n', '\x1eHARNESS pgid=1\n'];
    const out = await text(Readable.from(chunks.map((c) => Buffer.from(c))).pipe(new MarkerFilter((m) => seen.push(m))));
    expect(seen).toEqual([{ kind: 'waiting' }, { kind: 'pgid', pgid: 77 }]);
    // After the pgid everything is the command's own output, even marker look-alikes.
    expect(out).toBe('cd: warn\nreal stderr\n\x1eHARNESS pgid=1\n');
  });

  it('parses every marker kind', () => {
    expect(parseMarker('\x1eHARNESS no-workdir /home/u/x y')).toEqual({ kind: 'no-workdir', path: '/home/u/x y' });
    expect(parseMarker('\x1eHARNESS no-setsid')).toEqual({ kind: 'no-setsid' });
    expect(parseMarker('HARNESS pgid=3')).toBeUndefined();
  });
});

describe('StartBarrier', () => {
  it('runs every go callback in the same tick once all parties arrived', async () => {
    const b = new StartBarrier(3);
    const order: string[] = [];
    const arrivals = ['a', 'b'].map((n) => b.arrive(() => order.push(n)));
    expect(order).toEqual([]);
    const last = b.arrive(() => order.push('c'));
    expect(order).toEqual(['a', 'b', 'c']);
    await Promise.all([...arrivals, last]);
    expect(b.released).toBeDefined();
  });

  it('a broken barrier rejects the waiting parties and later arrivals with the first failure', async () => {
    const b = new StartBarrier(2);
    const waiting = b.arrive(() => undefined);
    const cause = new Error('gen2 unreachable');
    b.break(cause);
    await expect(waiting).rejects.toBe(cause);
    await expect(b.arrive(() => undefined)).rejects.toBe(cause);
    expect(b.brokenBy).toBe(cause);
  });
});

describe('paths and messages', () => {
  it('maps remote artifact paths to SFTP paths: ~/, absolute, and relative to the workdir', () => {
    const home = '/home/harness-gen';
    expect(toSftpPath('~/MicroSentinel/artifacts/remote', '~/MicroSentinel', home)).toBe('/home/harness-gen/MicroSentinel/artifacts/remote');
    expect(toSftpPath('truth/kv.json', '~/MicroSentinel', home)).toBe('/home/harness-gen/MicroSentinel/truth/kv.json');
    expect(toSftpPath('truth/kv.json', '/srv/ms', home)).toBe('/srv/ms/truth/kv.json');
    expect(toSftpPath('/var/log/x', '~', home)).toBe('/var/log/x');
    expect(toSftpPath('out', 'rel/dir', home)).toBe('/home/harness-gen/rel/dir/out');
  });

  it('rejects remote names that could leave the artifact folder', () => {
    for (const bad of ['', '.', '..', '../x', 'a/b', '/etc/passwd', 'nul\0byte']) expect(() => checkRemoteName(bad)).toThrow(/unsafe remote file name/);
    for (const ok of ['..foo', '-rf', 'a b', 'line\nbreak', '~x']) expect(() => checkRemoteName(ok)).not.toThrow();
  });

  it('explains a DNS failure with the host name it tried (no real lookup: it would leave this machine)', () => {
    const t = resolveSshHost('gen9', { configPath: '/nonexistent', localUser: 'me', env: {} });
    const err = classifyConnectError(Object.assign(new Error('getaddrinfo ENOTFOUND gen9'), { code: 'ENOTFOUND' }), t, { timeoutMs: 1000, identities: [], agent: false });
    expect(err.kind).toBe('dns');
    expect(err.message).toBe('Cannot resolve host name "gen9" for gen9 (ENOTFOUND): DNS lookup failed. Check the host in the remote spec or HostName in ssh_config.');
  });
});
