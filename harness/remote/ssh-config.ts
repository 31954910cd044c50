import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseProxyJump, type JumpSpec } from './proxy-jump.ts';
import { evaluateSshConfig, type EvaluatedConfig } from './ssh-config-eval.ts';
import { SshConfigError, type ConfigLine } from './ssh-config-lines.ts';

export { SshConfigError };

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
  /** Directives that apply to this host but the harness does not follow (CertificateFile, Match exec, …), for a warning. */
  ignored: string[];
  /**
   * Jump hosts to pass through, first hop first, each resolved through ssh_config on its own (its
   * HostName, User, Port, IdentityFile, known_hosts); empty for a direct connection.
   */
  proxyJump: ResolvedHost[];
  /** Where the jump list came from: the remote spec's proxy_jump, ssh_config's ProxyJump, or none. */
  proxyJumpSource: 'remote-spec' | 'ssh_config' | null;
}

/** Remote-spec fields that win over ssh_config (RemoteSpec's `port`, `user`, `identity_file`, …). */
export interface HostOverrides {
  port?: number;
  user?: string;
  identityFile?: string;
  knownHosts?: string;
  /** @default true */
  strictHostKeyChecking?: boolean;
  /** `[user@]host[:port]`, comma-separated, or `none`: wins over ProxyJump and ProxyCommand in ssh_config (as `ssh -J`). */
  proxyJump?: string;
}

export interface ResolveOptions {
  /** @default ~/.ssh/config (a missing file means no settings) */
  configPath?: string;
  /** The remote spec names configPath: a missing file is an error, never a fall-back to defaults and DNS. @default false */
  requireConfig?: boolean;
  overrides?: HostOverrides;
  /** @default os.homedir() */
  homeDir?: string;
  /** @default os.userInfo().username */
  localUser?: string;
  /** Base for relative identity / known_hosts paths of the remote spec. @default process.cwd() */
  cwd?: string;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Hosts whose jump lists are being resolved (a loop guard; set by the resolver itself). */
  jumpTrail?: readonly string[];
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
/** Directives worth a warning when they apply: the harness's connection does not follow them. */
const IGNORED = ['certificatefile', 'hostkeyalgorithms', 'ciphers', 'macs', 'kexalgorithms', 'localforward', 'remoteforward', 'dynamicforward', 'sendenv', 'setenv'];
const GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

// Resolve a host alias through an ssh_config file (and what it includes); explicit remote-spec
// fields win over the file. Jump hosts are resolved too, each as `ssh <jump>` would see it.
export function resolveSshHost(alias: string, opts: ResolveOptions = {}): ResolvedHost {
  const home = opts.homeDir ?? os.homedir();
  const env = opts.env ?? process.env;
  const localUser = opts.localUser ?? os.userInfo().username;
  const cwd = opts.cwd ?? process.cwd();
  const configFile = path.resolve(expandTilde(opts.configPath ?? '~/.ssh/config', home));
  const over = opts.overrides ?? {};
  const exists = existsSync(configFile);
  if (opts.requireConfig && !exists) throw new SshConfigError(missingConfigMessage(configFile, alias));
  // Match exec would run a shell command from the file: never from the harness.
  const kind = configFile === '/etc/ssh/ssh_config' ? 'system' : 'user';
  const cfg: EvaluatedConfig = exists ? evaluateSshConfig(configFile, { host: alias, home, localUser, user: over.user, kind }) : { values: new Map(), unevaluated: [] };
  const first = (key: string): ConfigLine | undefined => cfg.values.get(key)?.[0];
  const one = (key: string): string | undefined => first(key)?.args[0];
  const at = (key: string): string => {
    const v = first(key);
    return v ? `${v.file}:${v.line}` : configFile;
  };
  const problems: string[] = [];
  const number = (key: string, name: string): number | undefined => parseNumber(one(key), name, at(key), problems);
  const proxyCommand = first('proxycommand');
  // A direct connection would silently bypass a ProxyCommand: refuse (a remote-spec proxy_jump replaces it, as `ssh -J`).
  if (over.proxyJump === undefined && proxyCommand && proxyCommand.args[0]!.toLowerCase() !== 'none') {
    problems.push(
      `${at('proxycommand')}: ProxyCommand ${proxyCommand.args.join(' ')} (for ${alias}) is not supported by the harness's ssh2 connection; use ProxyJump, set proxy_jump in the remote spec, or use a config without it (remote.ssh_config)`,
    );
  }
  const hostName = expandTokens(one('hostname') ?? alias, { h: alias, n: alias, d: home, u: localUser, r: '', p: '' });
  const port = over.port ?? number('port', 'Port') ?? 22;
  const user = over.user ?? one('user') ?? localUser;
  const tokens = { h: hostName, n: alias, d: home, u: localUser, r: user, p: String(port) };
  const expandPath = (p: string, base: string): string => path.resolve(base, expandEnv(expandTilde(expandTokens(p, tokens), home), env));
  const configured = [...new Set((cfg.values.get('identityfile') ?? []).map((l) => l.args[0]!))].filter((f) => f.toLowerCase() !== 'none');
  const identityFiles = over.identityFile
    ? [expandPath(over.identityFile, cwd)]
    : configured.length > 0
      ? configured.map((f) => expandPath(f, home))
      : DEFAULT_KEYS.map((k) => path.join(home, '.ssh', k)).filter((f) => existsSync(f));
  // These take several files in one directive.
  const fileList = (key: string, fallback: string[]): string[] => first(key)?.args ?? fallback;
  const userKnown = fileList('userknownhostsfile', ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']);
  const globalKnown = fileList('globalknownhostsfile', GLOBAL_KNOWN_HOSTS);
  const knownHostsFiles = over.knownHosts
    ? [expandPath(over.knownHosts, cwd)]
    : [...userKnown, ...globalKnown].filter((f) => f.toLowerCase() !== 'none').map((f) => expandPath(f, home));
  const aliveInterval = number('serveraliveinterval', 'ServerAliveInterval');
  const connectTimeout = number('connecttimeout', 'ConnectTimeout');
  const keepaliveCountMax = number('serveralivecountmax', 'ServerAliveCountMax');
  const jumpLine = first('proxyjump');
  if (over.proxyJump === undefined && jumpLine && jumpLine.args.length > 1) problems.push(`${at('proxyjump')}: ProxyJump takes one argument: separate hops with commas, without spaces`);
  if (problems.length > 0) throw new SshConfigError(problems.join('\n'));
  const jumpSpec = over.proxyJump !== undefined ? { value: over.proxyJump, where: `proxy_jump of the remote spec for ${alias}`, source: 'remote-spec' as const } : jumpLine ? { value: jumpLine.args[0]!, where: at('proxyjump'), source: 'ssh_config' as const } : undefined;
  const hops = jumpSpec ? parseProxyJump(jumpSpec.value, jumpSpec.where) : null;
  const proxyJump = hops ? resolveJumpChain(hops, alias, jumpSpec!.where, { ...opts, homeDir: home, localUser, env, cwd, configPath: configFile }) : [];
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
    keepaliveCountMax,
    configFile: exists ? configFile : null,
    ignored: [...IGNORED.filter((k) => cfg.values.has(k)), ...cfg.unevaluated],
    proxyJump,
    proxyJumpSource: hops ? jumpSpec!.source : null,
  };
}

// The hosts to pass through, first hop first, as OpenSSH builds them: `ProxyJump a,b,c` runs
// `ssh -J a,b -W host:port c`, so only the first hop's own ProxyJump applies (the others' is replaced
// by the list), a hop's user and port win over its ssh_config, and the rest comes from ssh_config.
// The remote spec's identity_file, known_hosts and strict_host_key_checking stay with the final host.
function resolveJumpChain(hops: JumpSpec[], alias: string, where: string, opts: ResolveOptions): ResolvedHost[] {
  const trail = [...(opts.jumpTrail ?? []), alias];
  const resolveHop = (hop: JumpSpec, proxyJump?: string): ResolvedHost => {
    if (trail.includes(hop.host)) throw new SshConfigError(`${where}: ProxyJump loop: ${[...trail, hop.host].join(' -> ')}`);
    const overrides: HostOverrides = { ...(hop.user ? { user: hop.user } : {}), ...(hop.port ? { port: hop.port } : {}), ...(proxyJump ? { proxyJump } : {}) };
    return resolveSshHost(hop.host, { ...opts, overrides, jumpTrail: trail });
  };
  const [head, ...rest] = hops;
  const first = resolveHop(head!);
  const chain = [...first.proxyJump, first, ...rest.map((hop) => resolveHop(hop, 'none'))];
  return chain.map((h) => ({ ...h, proxyJump: [], proxyJumpSource: null }));
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

function parseNumber(value: string | undefined, key: string, where: string, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (/^\d+$/.test(value) && Number.isInteger(n)) return n;
  problems.push(`${where}: ${key} "${value}" is not a non-negative integer`);
  return undefined;
}

// A remote spec's ssh_config that is not there: for the testbed's, how to create it.
function missingConfigMessage(configFile: string, alias: string): string {
  const testbed = configFile.endsWith(`${path.sep}.testbed${path.sep}ssh_config`);
  const fix = testbed ? 'the testbed is not up: run `npm run testbed:up` (it writes .testbed/ssh_config and .testbed/known_hosts)' : 'fix remote.ssh_config, or remove it to use ~/.ssh/config';
  return `ssh_config ${configFile} (remote.ssh_config for ${alias}) does not exist: ${fix}`;
}
