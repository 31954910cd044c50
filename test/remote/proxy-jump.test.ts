// ProxyJump parsing and chain resolution through ssh_config (no network: resolution only).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProxyJump, RemoteHostPool, resolveSshHost, SshConfigError } from '../../harness/remote/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'proxy-jump-'));
const home = path.join(dir, 'home');
const config = path.join(dir, 'config');
writeFileSync(
  config,
  `Host gen1
  HostName 10.211.0.30
  ProxyJump bastion,admin@inner:2222
Host bastion
  HostName 10.211.0.29
  User jumper
  IdentityFile ~/.ssh/bastion_key
  UserKnownHostsFile ~/.ssh/bastion_kh
  ProxyJump outer
Host inner
  HostName 127.0.0.1
  User ignored-by-hop-user
  ProxyJump never-used
Host outer
  HostName 10.211.0.28
  Port 2022
Host direct
  HostName 10.211.0.31
  ProxyJump none
  ProxyCommand nc %h %p
Host loop
  ProxyJump loop2
Host loop2
  ProxyJump loop
Host *
  User fallback
`,
);
const opts = { configPath: config, homeDir: home, localUser: 'me', env: {} };
const hops = (alias: string, overrides = {}) => resolveSshHost(alias, { ...opts, overrides }).proxyJump.map((h) => `${h.user}@${h.alias}=${h.hostName}:${h.port}`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ProxyJump', () => {
  it('parses [user@]host[:port] lists, ssh:// URIs, bracketed addresses and none', () => {
    expect(parseProxyJump('a,u@b:2222,ssh://v@c:22,[fe80::1]:2200,u@[10.0.0.1]', 'x')).toEqual([
      { host: 'a' },
      { host: 'b', user: 'u', port: 2222 },
      { host: 'c', user: 'v', port: 22 },
      { host: 'fe80::1', port: 2200 },
      { host: '10.0.0.1', user: 'u' },
    ]);
    expect(parseProxyJump('None', 'x')).toBeNull();
    expect(() => parseProxyJump('a,,b', 'spec')).toThrow('spec: ProxyJump "": empty hop');
    expect(() => parseProxyJump('a:99999,@b', 'spec')).toThrow(SshConfigError);
    expect(() => parseProxyJump('a:99999,@b', 'spec')).toThrow('spec: ProxyJump "a:99999": port "99999" is not 1-65535\nspec: ProxyJump "@b": empty user before @');
  });

  it('resolves each hop through ssh_config: the first hop keeps its own ProxyJump, later hops take user/port from the list', () => {
    const t = resolveSshHost('gen1', opts);
    expect(t.proxyJumpSource).toBe('ssh_config');
    expect(hops('gen1')).toEqual(['fallback@outer=10.211.0.28:2022', 'jumper@bastion=10.211.0.29:22', 'admin@inner=127.0.0.1:2222']);
    expect(t.proxyJump[1]).toMatchObject({ identityFiles: [path.join(home, '.ssh/bastion_key')], knownHostsFiles: [path.join(home, '.ssh/bastion_kh'), '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'], strictHostKeyChecking: true, proxyJump: [] });
  });

  it('lets the remote spec proxy_jump win over ssh_config (and over ProxyCommand), and none disable it', () => {
    expect(hops('gen1', { proxyJump: 'me@10.211.0.40:2200' })).toEqual(['me@10.211.0.40=10.211.0.40:2200']);
    expect(resolveSshHost('gen1', { ...opts, overrides: { proxyJump: 'inner' } }).proxyJumpSource).toBe('remote-spec');
    expect(hops('gen1', { proxyJump: 'none' })).toEqual([]);
    expect(resolveSshHost('direct', opts).proxyJump).toEqual([]); // ProxyJump none came first: ProxyCommand does not apply
    expect(() => resolveSshHost('gen1', { ...opts, overrides: { proxyJump: 'a b' } })).toThrow('proxy_jump of the remote spec for gen1: ProxyJump "a b": no host name');
  });

  it('keeps the final host’s remote-spec fields away from the jump hosts, as ssh -i/-o do', () => {
    const t = resolveSshHost('gen1', { ...opts, cwd: dir, overrides: { identityFile: 'final_key', knownHosts: 'final_kh', strictHostKeyChecking: false, user: 'u' } });
    expect(t).toMatchObject({ user: 'u', identityFiles: [path.join(dir, 'final_key')], strictHostKeyChecking: false });
    expect(t.proxyJump.map((h) => [h.strictHostKeyChecking, h.identityFiles.includes(path.join(dir, 'final_key'))])).toEqual([
      [true, false],
      [true, false],
      [true, false],
    ]);
  });

  it('reports a ProxyJump loop with the path', () => {
    expect(() => resolveSshHost('loop', opts)).toThrow(`${config}:24: ProxyJump loop: loop -> loop2 -> loop`);
  });

  it('pools by the whole chain: the same final host through another jump is another connection', () => {
    const pool = new RemoteHostPool({ sshConfigPath: config, homeDir: home, localUser: 'me', env: {} });
    const viaConfig = pool.get('gen1');
    expect(pool.get('gen1', {})).toBe(viaConfig);
    expect(pool.get('gen1', { proxy_jump: 'bastion,admin@inner:2222' })).toBe(viaConfig); // bastion's own ProxyJump outer still applies
    expect(pool.get('gen1', { proxy_jump: 'admin@inner:2222' })).not.toBe(viaConfig);
    expect(pool.get('gen1', { proxy_jump: 'none' })).not.toBe(viaConfig);
    expect(pool.get('gen1', { proxy_jump: 'outer,bastion,admin@inner:2222' })).toBe(viaConfig); // the same chain
    expect(viaConfig.label).toBe('gen1 (10.211.0.30:22)');
    expect(viaConfig.chainLabel).toBe('gen1 (10.211.0.30:22) via outer (10.211.0.28:2022), bastion (10.211.0.29:22), inner (127.0.0.1:2222)');
  });
});
