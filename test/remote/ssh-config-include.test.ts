// Include in ssh_config, against files in a temp dir. Where OpenSSH's own `ssh -G` can read the same
// files (absolute paths: it takes ~ from the passwd entry, not our fake home), it is the oracle.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSshHost, SshConfigError } from '../../harness/remote/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ssh-include-'));
const home = path.join(dir, 'home');
mkdirSync(path.join(home, '.ssh/config.d'), { recursive: true });
const opts = { homeDir: home, localUser: 'me', env: {} };

function write(file: string, text: string): string {
  const full = path.isAbsolute(file) ? file : path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

async function sshG(config: string, host: string): Promise<Record<string, string>> {
  const r = await execa('ssh', ['-G', '-F', config, host], { env: { HOME: home } });
  return Object.fromEntries(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ssh_config Include', () => {
  it('anchors relative paths in ~/.ssh, expands ~ and globs in lexical order; first value wins, IdentityFile adds up', () => {
    write(path.join(home, '.ssh/config.d/20-gen'), 'Host gen1\n  HostName 10.211.0.9\n  User later\n  IdentityFile ~/.ssh/k20\n');
    write(path.join(home, '.ssh/config.d/10-gen'), 'Host gen1\n  User first\n  IdentityFile ~/.ssh/k10\n');
    write(path.join(home, '.ssh/config.d/.hidden'), 'Host gen1\n  User hidden\n');
    write(path.join(home, '.ssh/extra'), 'Host gen1\n  Port 2222\n');
    const config = write(path.join(home, '.ssh/config'), 'Include config.d/* ~/.ssh/extra\nHost *\n  User fallback\n  IdentityFile ~/.ssh/kall\n');
    const t = resolveSshHost('gen1', { ...opts, configPath: config });
    expect(t).toMatchObject({ hostName: '10.211.0.9', user: 'first', port: 2222 });
    expect(t.identityFiles).toEqual(['k10', 'k20', 'kall'].map((k) => path.join(home, '.ssh', k)));
    expect(resolveSshHost('other', { ...opts, configPath: config })).toMatchObject({ hostName: 'other', user: 'fallback', port: 22 });
  });

  it('follows absolute includes and nesting, and skips a missing file or a glob without matches silently', () => {
    const inner = write('nest/inner.conf', 'Host deep\n  HostName 10.211.0.30\n');
    const middle = write('nest/middle.conf', `Include ${inner}\nInclude ${dir}/nest/absent.conf\nInclude ${dir}/none-*.conf\n`);
    const config = write('nest/config', `Include ${middle}\nHost deep\n  User deepuser\n`);
    expect(resolveSshHost('deep', { ...opts, configPath: config })).toMatchObject({ hostName: '10.211.0.30', user: 'deepuser' });
  });

  it('applies an Include inside a Host or Match block only when the block matches, and restores the block after it', async () => {
    // Same shape as OpenSSH's own regress test cfginclude.sh (our files, absolute paths).
    write('blk/i.0', 'Match host xxxxxx\n');
    write('blk/i.1', 'Match host a\n  Hostname aaa\nMatch host c\n  Hostname ccc\nHost d\n  Hostname ddd\nHost f\n  Hostname fff\n');
    write('blk/i.2', 'Match host a\n  Hostname aaaa\nHost f\n  Hostname ffff\nMatch all\n  Hostname xxxx\n');
    const config = write(
      'blk/config',
      [
        'Match host a',
        '  Hostname aa',
        'Match host c',
        `  Include ${dir}/blk/i.*`,
        '  Hostname cc',
        'Match host m',
        `  Include ${dir}/blk/i.*`,
        'Host d',
        '  Hostname dd',
        'Host f',
        `  Include ${dir}/blk/i.*`,
        '  Hostname ff',
        'Host n',
        `  Include ${dir}/blk/i.*`,
        'Host top',
        `  Include ${dir}/blk/top`,
        '  User topuser',
        '',
      ].join('\n'),
    );
    // Lines before any Host in an included file belong to the including block.
    write('blk/top', 'Port 2200\nHost other\n  User wrong\n');
    const expected = { a: 'aa', c: 'ccc', d: 'dd', f: 'fff', m: 'xxxx', n: 'xxxx', x: 'x' };
    for (const [host, hostName] of Object.entries(expected)) {
      expect(resolveSshHost(host, { ...opts, configPath: config }).hostName, host).toBe(hostName);
      expect((await sshG(config, host)).hostname, `ssh -G ${host}`).toBe(hostName);
    }
    expect(resolveSshHost('top', { ...opts, configPath: config })).toMatchObject({ port: 2200, user: 'topuser' });
    expect(await sshG(config, 'top')).toMatchObject({ port: '2200', user: 'topuser' });
    expect(resolveSshHost('zzz', { ...opts, configPath: config }).port).toBe(22); // the include of an inactive block stays inactive
  });

  it('reports a cycle with the chain of file:line, and nesting deeper than 16', () => {
    const a = path.join(dir, 'cyc/a');
    const b = write('cyc/b', `# b\nInclude ${a}\n`);
    write(a, `Host *\n  Include ${b}\n`);
    expect(() => resolveSshHost('x', { ...opts, configPath: a })).toThrow(SshConfigError);
    expect(() => resolveSshHost('x', { ...opts, configPath: a })).toThrow(`${b}:2: Include cycle: ${a}:2 -> ${b}:2 -> ${a}`);
    for (let i = 0; i <= 17; i++) write(`depth/${i}`, `Include ${dir}/depth/${i + 1}\n`);
    write('depth/18', 'Host *\n  User deepest\n');
    expect(() => resolveSshHost('x', { ...opts, configPath: path.join(dir, 'depth/0') })).toThrow(`${dir}/depth/16:1: Include nested more than 16 deep`);
    expect(resolveSshHost('x', { ...opts, configPath: path.join(dir, 'depth/2') }).user).toBe('deepest'); // 16 levels are fine
  });

  it('names file:line for syntax and value problems in included files, and reports them together', () => {
    const inc = write('bad/inc', 'Host x\n  Port twenty\n  ConnectTimeout soon\n  HostName "unclosed\n');
    const config = write('bad/config', `Include ${inc}\n`);
    let message = '';
    try {
      resolveSshHost('x', { ...opts, configPath: config });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split('\n')).toEqual([`${inc}:4: HostName: unbalanced quotes`]);
    write(inc, 'Host x\n  Port twenty\n  ConnectTimeout soon\n');
    expect(() => resolveSshHost('x', { ...opts, configPath: config })).toThrow(`${inc}:2: Port "twenty" is not a non-negative integer\n${inc}:3: ConnectTimeout "soon" is not a non-negative integer`);
  });

  it('never runs Match exec, even negated, and reports it as not followed', async () => {
    const marker = path.join(dir, 'exec-ran');
    const config = write('exec/config', `Match !exec "touch ${marker}"\n  User evil\nMatch exec "touch ${marker}" host x\n  User evil2\nHost *\n  User safe\n`);
    const t = resolveSshHost('x', { ...opts, configPath: config });
    expect(t).toMatchObject({ user: 'safe', ignored: ['match exec'] });
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  it('Match final re-reads with the HostName; Match host sees HostName, originalhost the alias', async () => {
    const config = write('final/config', 'Host short\n  HostName long.example\nMatch final host long.example\n  User finaluser\nMatch originalhost short\n  Port 2201\n');
    expect(resolveSshHost('short', { ...opts, configPath: config })).toMatchObject({ hostName: 'long.example', user: 'finaluser', port: 2201 });
    expect(await sshG(config, 'short')).toMatchObject({ hostname: 'long.example', user: 'finaluser', port: '2201' });
  });
});
