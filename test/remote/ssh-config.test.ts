import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatRemoteEvent, RemoteHostPool, resolveSshHost, SshConfigError, type RemoteEvent } from '../../harness/remote/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ssh-config-'));
const home = path.join(dir, 'home');
const config = path.join(dir, 'config');
writeFileSync(
  config,
  `# first obtained value wins, as in ssh_config(5)
Host gen1 gen1.lab
  HostName 10.211.0.2
  User harness-gen
  Port 2202
  IdentityFile ~/.ssh/gen_key
  IdentityFile "/keys/with space"
  UserKnownHostsFile ~/.ssh/kh_one /abs/kh_two
  StrictHostKeyChecking no
  ConnectTimeout 7
  ServerAliveInterval 15
  ServerAliveCountMax 4

Host *.lab !bad.lab
  HostName %h.example.org
  User lab
  IdentityFile ~/.ssh/%r_%h
  IdentitiesOnly yes

Host *
  User fallback
  Port 22
  GlobalKnownHostsFile /etc/ssh/global_kh
`,
);
const opts = { configPath: config, homeDir: home, localUser: 'me', env: {} };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveSshHost (ssh_config semantics)', () => {
  it('resolves an alias: HostName, User, Port, IdentityFile (~ expanded, quotes), known_hosts, timeouts', () => {
    const t = resolveSshHost('gen1', opts);
    expect(t).toMatchObject({
      alias: 'gen1',
      hostName: '10.211.0.2',
      user: 'harness-gen',
      port: 2202,
      identityFiles: [path.join(home, '.ssh/gen_key'), '/keys/with space'],
      identitySource: 'ssh_config',
      knownHostsFiles: [path.join(home, '.ssh/kh_one'), '/abs/kh_two', '/etc/ssh/global_kh'],
      hostKeyAlias: '10.211.0.2',
      connectTimeoutMs: 7000,
      keepaliveIntervalMs: 15000,
      keepaliveCountMax: 4,
      configFile: config,
    });
  });

  it('keeps host key checking on whatever ssh_config says; only the remote spec opts out', () => {
    expect(resolveSshHost('gen1', opts)).toMatchObject({ strictHostKeyChecking: true, sshConfigStrictHostKeyChecking: 'no' });
    expect(resolveSshHost('gen1', { ...opts, overrides: { strictHostKeyChecking: false } }).strictHostKeyChecking).toBe(false);
  });

  it('matches patterns with negation and expands %h and %r tokens', () => {
    const t = resolveSshHost('db.lab', opts);
    expect(t).toMatchObject({ hostName: 'db.lab.example.org', user: 'lab', port: 22, identityFiles: [path.join(home, '.ssh/lab_db.lab.example.org')], useAgent: false });
    const bad = resolveSshHost('bad.lab', opts);
    expect(bad).toMatchObject({ hostName: 'bad.lab', user: 'fallback' });
  });

  it('gives explicit remote-spec fields priority over the file', () => {
    const t = resolveSshHost('gen1', { ...opts, cwd: '/repo', overrides: { port: 22, user: 'other', identityFile: 'keys/id', knownHosts: '~/kh' } });
    expect(t).toMatchObject({ port: 22, user: 'other', identityFiles: ['/repo/keys/id'], identitySource: 'remote-spec', knownHostsFiles: [path.join(home, 'kh')] });
  });

  it('uses OpenSSH defaults without a config file: port 22, local user, ~/.ssh/known_hosts', () => {
    const t = resolveSshHost('10.211.0.9', { ...opts, configPath: path.join(dir, 'missing') });
    expect(t).toMatchObject({ hostName: '10.211.0.9', port: 22, user: 'me', identitySource: 'default', configFile: null });
    expect(t.knownHostsFiles).toEqual([path.join(home, '.ssh/known_hosts'), path.join(home, '.ssh/known_hosts2'), '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
    expect(t.useAgent).toBe(false); // no SSH_AUTH_SOCK in opts.env
    expect(resolveSshHost('x', { ...opts, configPath: path.join(dir, 'missing'), env: { SSH_AUTH_SOCK: '/run/agent' } }).useAgent).toBe(true);
  });

  it('names the file for a malformed number', () => {
    const bad = path.join(dir, 'bad_config');
    writeFileSync(bad, 'Host x\n  Port twenty-two\n');
    expect(() => resolveSshHost('x', { ...opts, configPath: bad })).toThrow(SshConfigError);
    expect(() => resolveSshHost('x', { ...opts, configPath: bad })).toThrow(`${bad}:2: Port "twenty-two" is not a non-negative integer`);
  });

  it('refuses a ProxyCommand it would bypass (naming file:line), and lists directives it does not follow', () => {
    const jump = path.join(dir, 'jump_config');
    writeFileSync(jump, 'Host far\n  ProxyCommand nc %h %p\nHost near\n  SendEnv LANG\n  CertificateFile ~/.ssh/c\n');
    expect(() => resolveSshHost('far', { ...opts, configPath: jump })).toThrow(`${jump}:2: ProxyCommand nc %h %p (for far) is not supported`);
    expect(resolveSshHost('far', { ...opts, configPath: jump, overrides: { proxyJump: 'none' } }).proxyJump).toEqual([]); // as ssh -J none
    expect(resolveSshHost('near', { ...opts, configPath: jump }).ignored).toEqual(['certificatefile', 'sendenv']);
    const events: RemoteEvent[] = [];
    const pool = new RemoteHostPool({ sshConfigPath: jump, homeDir: home, localUser: 'me', env: {}, onEvent: (e) => events.push(e) });
    pool.get('near');
    pool.get('near');
    expect(events).toEqual([{ kind: 'warning', host: 'near:22', time: expect.any(Date), message: `${jump} applies to near:22 directives the harness's ssh2 connection does not follow: certificatefile, sendenv` }]);
    expect(formatRemoteEvent(events[0]!)).toMatch(/^warning near:22: /);
  });

  it('never runs `Match exec` commands from the file', () => {
    const marker = path.join(dir, 'exec-ran');
    const evil = path.join(dir, 'evil_config');
    writeFileSync(evil, `Match exec "touch ${marker}"\n  User evil\nHost *\n  User safe\n`);
    expect(resolveSshHost('x', { ...opts, configPath: evil }).user).toBe('safe');
    expect(existsSync(marker)).toBe(false);
  });

  it('the pool shares one host per resolved user@host:port and trust settings', () => {
    const pool = new RemoteHostPool({ sshConfigPath: config, homeDir: home, localUser: 'me', env: {} });
    const gen1 = pool.get('gen1');
    expect(pool.get('gen1', { port: 2202, user: 'harness-gen' })).toBe(gen1); // same resolution, same connection
    expect(pool.forSpec({ host: ['gen1', 'db.lab'] }).map((h) => h.target.hostName)).toEqual(['10.211.0.2', 'db.lab.example.org']);
    expect(pool.get('gen1', { strict_host_key_checking: false })).not.toBe(gen1);
    expect(pool.get('gen1', { user: 'someone-else' })).not.toBe(gen1);
    expect(pool.list()).toHaveLength(4);
  });
});
