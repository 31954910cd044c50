import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SSHConfig from 'ssh-config';

/** Where and as whom to connect, resolved the way `ssh <alias>` would, plus the harness's trust choice. */
export interface ResolvedHost {
  /** The name as written in the remote spec (`gen1`, an address, …). */
  alias: string;
  /** HostName from ssh_config (with `%h` expanded), else the alias. */
  hostName: string;
  port: number;
  user: string;
  /** Keys to offer, in order; `~` and `%` tokens expanded. Missing files are kept: errors name them. */
  identityFiles: string[];
  /** Where identityFiles came from; a missing file the remote spec names is an error, others are skipped as ssh does. */
  identitySource: 'remote-spec' | 'ssh_config' | 'default';
  /** Offer keys from ssh-agent (SSH_AUTH_SOCK) after the files; off with `IdentitiesOnly yes`. */
  useAgent: boolean;
  /** known_hosts files to check, user files first, then global ones. */
  knownHostsFiles: string[];
  /** Name looked up in known_hosts (HostKeyAlias, else hostName). */
  hostKeyAlias: string;
  /** Host keys are verified unless the remote spec says `strict_host_key_checking: false`. */
  strictHostKeyChecking: boolean;
  /** StrictHostKeyChecking as ssh_config has it (informational: only the remote spec can opt out). */
  sshConfigStrictHostKeyChecking: string | undefined;
  /** ConnectTimeout from ssh_config, in ms. */
  connectTimeoutMs: number | undefined;
  /** ServerAliveInterval / ServerAliveCountMax from ssh_config. */
  keepaliveIntervalMs: number | undefined;
  keepaliveCountMax: number | undefined;
  /** The ssh_config file read, or null when there was none. */
  configFile: string | null;
  /** Directives that apply to this host but the harness does not follow (Include, CertificateFile, …), for a warning. */
  ignored: string[];
}

/** Remote-spec fields that win over ssh_config (RemoteSpec's `port`, `user`, `identity_file`, …). */
export interface HostOverrides {
  port?: number;
  user?: string;
  identityFile?: string;
  knownHosts?: string;
  /** @default true */
  strictHostKeyChecking?: boolean;
}

export interface ResolveOptions {
  /** @default ~/.ssh/config (a missing file means no settings) */
  configPath?: string;
  overrides?: HostOverrides;
  /** @default os.homedir() */
  homeDir?: string;
  /** @default os.userInfo().username */
  localUser?: string;
  /** Base for relative identity / known_hosts paths of the remote spec. @default process.cwd() */
  cwd?: string;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** A bad ssh_config value (a port that is not a number, …), named with the file. */
export class SshConfigError extends Error {
  override name = 'SshConfigError';
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
/** Directives worth a warning when they apply: the harness's connection does not follow them. */
const IGNORED = ['include', 'certificatefile', 'hostkeyalgorithms', 'ciphers', 'macs', 'kexalgorithms', 'localforward', 'remoteforward', 'dynamicforward', 'sendenv', 'setenv'];
const GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

// Resolve a host alias through an ssh_config file; explicit remote-spec fields win over the file.
export function resolveSshHost(alias: string, opts: ResolveOptions = {}): ResolvedHost {
  const home = opts.homeDir ?? os.homedir();
  const env = opts.env ?? process.env;
  const localUser = opts.localUser ?? os.userInfo().username;
  const cwd = opts.cwd ?? process.cwd();
  const configFile = expandTilde(opts.configPath ?? '~/.ssh/config', home);
  const over = opts.overrides ?? {};
  const exists = existsSync(configFile);
  // Match exec would run a shell command from the file: never from the harness.
  const cfg = exists ? SSHConfig.parse(readFileSync(configFile, 'utf8')).compute(alias, { ignoreCase: true, matchExec: false }) : {};
  const one = (key: string): string | undefined => {
    const v = cfg[key];
    return Array.isArray(v) ? v[0] : v;
  };
  const many = (key: string): string[] => {
    const v = cfg[key];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  const where = `${configFile} (Host ${alias})`;
  // A jump host would silently be bypassed by a direct connection: refuse instead.
  for (const key of ['proxyjump', 'proxycommand']) {
    const v = one(key);
    if (v && v.toLowerCase() !== 'none') throw new SshConfigError(`${where}: ${key === 'proxyjump' ? 'ProxyJump' : 'ProxyCommand'} ${v} is not supported by the harness's ssh2 connection; reach the host directly or use a config without it (remote.ssh_config)`);
  }
  const hostName = expandTokens(one('hostname') ?? alias, { h: alias, n: alias, d: home, u: localUser, r: '', p: '' });
  const port = over.port ?? parseNumber(one('port'), 'Port', where) ?? 22;
  const user = over.user ?? one('user') ?? localUser;
  const tokens = { h: hostName, n: alias, d: home, u: localUser, r: user, p: String(port) };
  const expandPath = (p: string, base: string): string => path.resolve(base, expandEnv(expandTilde(expandTokens(p, tokens), home), env));
  const configured = many('identityfile').filter((f) => f.toLowerCase() !== 'none');
  const identityFiles = over.identityFile
    ? [expandPath(over.identityFile, cwd)]
    : configured.length > 0
      ? configured.map((f) => expandPath(f, home))
      : DEFAULT_KEYS.map((k) => path.join(home, '.ssh', k)).filter((f) => existsSync(f));
  // These take several files in one directive; the parser splits them (and honours quotes).
  const fileList = (key: string, fallback: string[]): string[] => (cfg[key] === undefined ? fallback : many(key));
  const userKnown = fileList('userknownhostsfile', ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']);
  const globalKnown = fileList('globalknownhostsfile', GLOBAL_KNOWN_HOSTS);
  const knownHostsFiles = over.knownHosts
    ? [expandPath(over.knownHosts, cwd)]
    : [...userKnown, ...globalKnown].filter((f) => f.toLowerCase() !== 'none').map((f) => expandPath(f, home));
  const aliveInterval = parseNumber(one('serveraliveinterval'), 'ServerAliveInterval', where);
  const connectTimeout = parseNumber(one('connecttimeout'), 'ConnectTimeout', where);
  return {
    alias,
    hostName,
    port,
    user,
    identityFiles,
    identitySource: over.identityFile ? 'remote-spec' : configured.length > 0 ? 'ssh_config' : 'default',
    useAgent: !over.identityFile && !/^(yes|true)$/i.test(one('identitiesonly') ?? 'no') && Boolean(env.SSH_AUTH_SOCK),
    knownHostsFiles,
    hostKeyAlias: one('hostkeyalias') ?? hostName,
    strictHostKeyChecking: over.strictHostKeyChecking ?? true,
    sshConfigStrictHostKeyChecking: one('stricthostkeychecking'),
    connectTimeoutMs: connectTimeout && connectTimeout > 0 ? connectTimeout * 1000 : undefined,
    keepaliveIntervalMs: aliveInterval && aliveInterval > 0 ? aliveInterval * 1000 : undefined,
    keepaliveCountMax: parseNumber(one('serveralivecountmax'), 'ServerAliveCountMax', where),
    configFile: exists ? configFile : null,
    ignored: IGNORED.filter((k) => cfg[k] !== undefined),
  };
}

// `~` and `~/…` to the home directory (OpenSSH expands only the leading tilde).
export function expandTilde(p: string, home = os.homedir()): string {
  if (p === '~') return home;
  return p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

// ssh_config(5) TOKENS that make sense without a connection: %h %n %p %r %u %d %%.
function expandTokens(value: string, tokens: Record<string, string>): string {
  return value.replace(/%(.)/g, (all, t: string) => (t === '%' ? '%' : (tokens[t] ?? all)));
}

// ssh_config(5) ENVIRONMENT VARIABLES: ${NAME} in file names.
function expandEnv(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (all, name: string) => env[name] ?? all);
}

function parseNumber(value: string | undefined, key: string, where: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new SshConfigError(`${where}: ${key} "${value}" is not a non-negative integer`);
  return n;
}
