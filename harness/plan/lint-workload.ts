// Plan-time lint of a resolved workload: configurations that run without error but measure nothing.
// Today one rule, the troubleshooting case "NFV traffic never arrives" (experiments/workloads/nfv/README.md): chain stages that
// listen on loopback while the generator runs on another node.
//
// How stage hosts are found (documented in experiments/configs/workloads/nfv.yaml):
// - A chain stage is a server whose command passes `--listen-host` or `--chain-host`, or runs one of
//   experiments/workloads/nfv/{firewall,nat,monitor,sink}.ts. Its address is `--listen-host` when that
//   is non-empty, else `--chain-host`, else the programs' default 127.0.0.1.
// - Flag values may be `{{settings.…}}` / `{{hosts.…}}` templates: they are resolved, and the issue
//   points at the setting to change (e.g. `settings.chain.host`) rather than at the command.
// - A workload with no stage server but `settings.chain.host` / `settings.stages.<stage>.listen_host`
//   is checked through those settings (`listen_host` "" = chain.host).
// Stage servers with their own `remote` stanza are skipped: where they run is not this node.
import type { KeyPath } from '../config/yaml-source.ts';
import type { ClientConfig, ServerConfig } from '../config/schema/workload.ts';
import { splitCommand } from './command-line.ts';
import type { ResolvedVariant } from './resolve-config.ts';

/** One lint finding, at a path of the resolved config (`['workload', 'settings', 'chain', 'host']`). */
export interface WorkloadLintIssue {
  path: (string | number)[];
  message: string;
  hint: string;
}

const STAGE_SCRIPT = /(?:^|\/)nfv\/(firewall|nat|monitor|sink)\.ts$/;
const PROGRAM_DEFAULT_HOST = '127.0.0.1';

// 127.0.0.0/8, ::1 (any spelling), localhost.
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === 'localhost.localdomain' || h === 'ip6-localhost' || h.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  return /^(0{0,4}:){2,7}0{0,3}1$/.test(h) || h === '::1' || h === '::ffff:127.0.0.1';
}

/** A host value and the config path where it was written (what to change to fix it). */
interface HostSource {
  value: string;
  path: KeyPath;
  /**
   * How the value reached the stage, for the hint: a setting, a hosts entry, the command itself, or a
   * setting written as `{{hosts.server}}` while hosts.server is not set (its default is loopback).
   */
  via: 'setting' | 'hosts' | 'command' | 'default-server';
}

// Every lint finding of one resolved variant; empty when the workload is fine (or the lint is off).
export function lintWorkload(resolved: ResolvedVariant): WorkloadLintIssue[] {
  const w = resolved.config.workload;
  if (w.lint?.loopback_with_remote === 'off') return [];
  const generatorHosts = remoteGeneratorHosts(resolved.clients);
  if (generatorHosts.length === 0) return [];
  const lookup = createLookup(w.hosts, w.settings);
  const stages = stageHosts(resolved, lookup);
  const byPath = new Map<string, { source: HostSource; stages: string[] }>();
  for (const { stage, source } of stages) {
    if (!isLoopbackHost(source.value)) continue;
    const key = JSON.stringify(source.path);
    const entry = byPath.get(key) ?? { source, stages: [] };
    entry.stages.push(stage);
    byPath.set(key, entry);
  }
  const serverHost = w.hosts.server;
  return [...byPath.values()].map(({ source, stages: names }) => ({
    path: [...source.path],
    message:
      `NFV traffic never arrives: stage hosts still default to loopback while the generator runs on ${generatorHosts.join(', ')} ` +
      `(${names.join(', ')} ${names.length === 1 ? 'listens' : 'listen'} on ${source.value})`,
    hint: hintFor(source, serverHost),
  }));
}

// Hosts of the clients that run elsewhere (a remote stanza not pointing back at this node).
function remoteGeneratorHosts(clients: readonly ClientConfig[]): string[] {
  const hosts = clients.flatMap((c) => (c.remote ? (Array.isArray(c.remote.host) ? c.remote.host : [c.remote.host]) : []));
  return [...new Set(hosts.filter((h) => !isLoopbackHost(h)))];
}

function hintFor(source: HostSource, serverHost: string | undefined): string {
  const at = source.path.slice(1).join('.');
  if (source.via === 'default-server') return `set hosts.server to the server node's address (e.g. 211.0.0.101): ${at} is {{hosts.server}}, which defaults to 127.0.0.1`;
  if (source.via === 'hosts') return `set ${at} to the server node's address (e.g. 211.0.0.101): the stages listen on {{${at}}}`;
  if (source.via === 'command') {
    return "set chain.host or per-stage listen_host to the server node's address: pass --chain-host {{settings.chain.host}} (or --listen-host {{hosts.server}}) in this stage's command";
  }
  const address = serverHost && !isLoopbackHost(serverHost) ? `e.g. ${serverHost}, as in hosts.server` : 'e.g. "{{hosts.server}}" with hosts.server set to 211.0.0.101';
  return `set chain.host or per-stage listen_host to the server node's address (${address}); here: ${at}`;
}

type Lookup = (name: string) => HostSource | undefined;

// Resolve `hosts.X` / `settings.a.b` names to their value and where they were written (hosts.server
// defaults to 127.0.0.1, as in the template variables). A value that is itself one template is followed.
function createLookup(hosts: Record<string, string>, settings: Record<string, unknown>): Lookup {
  const lookup = (name: string, depth: number, from?: HostSource): HostSource | undefined => {
    const parts = name.split('.');
    let value: unknown;
    let source: HostSource;
    if (parts[0] === 'hosts' && parts.length === 2) {
      value = hosts[parts[1]!];
      source = { value: '', path: ['workload', 'hosts', parts[1]!], via: 'hosts' };
      // hosts.server is not written anywhere: blame the setting that uses it, or nothing to point at.
      if (value === undefined && parts[1] === 'server') {
        value = '127.0.0.1';
        source = from ? { value: '', path: from.path, via: 'default-server' } : source;
      }
    } else if (parts[0] === 'settings' && parts.length >= 2) {
      value = parts.slice(1).reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), settings);
      source = { value: '', path: ['workload', ...parts], via: 'setting' };
    } else return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    const inner = /^\s*\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}\s*$/.exec(String(value));
    if (inner && depth < 4) return lookup(inner[1]!, depth + 1, source);
    return { ...source, value: String(value) };
  };
  return (name) => lookup(name, 0);
}

// A flag's argument as written (`--flag v` or `--flag=v`), or undefined when the flag is absent.
function flagValue(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) return argv[i + 1] ?? '';
    if (argv[i]!.startsWith(`${flag}=`)) return argv[i]!.slice(flag.length + 1);
  }
  return undefined;
}

// Resolve a flag argument: a lone template follows its source; literal text belongs to the command.
function resolveArg(raw: string, lookup: Lookup, commandPath: KeyPath): HostSource | undefined {
  const lone = /^\s*\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}\s*$/.exec(raw);
  if (lone) return lookup(lone[1]!);
  if (raw.includes('{{')) return undefined; // a composite value: cannot tell where to fix it
  return { value: raw, path: commandPath, via: 'command' };
}

interface StageHost {
  stage: string;
  source: HostSource;
}

function stageHosts(resolved: ResolvedVariant, lookup: Lookup): StageHost[] {
  const found: StageHost[] = [];
  resolved.servers.forEach((server, i) => {
    const host = stageServerHost(server, [...resolved.serverPath(i), 'command'], lookup);
    if (host) found.push({ stage: server.name, source: host });
  });
  if (found.length > 0 || resolved.servers.some((s) => isStageServer(s))) return found;
  return settingsStageHosts(resolved.config.workload.settings, lookup);
}

function argvOf(server: ServerConfig): string[] | undefined {
  try {
    return splitCommand(server.command);
  } catch {
    return undefined; // shell syntax: reported by rendering, not here
  }
}

function isStageServer(server: ServerConfig): boolean {
  const argv = argvOf(server);
  if (!argv) return false;
  return argv.some((a) => STAGE_SCRIPT.test(a) || /^--(listen|chain)-host(=|$)/.test(a));
}

// The address a stage server listens on, as the stage programs decide it (see the file comment).
function stageServerHost(server: ServerConfig, commandPath: KeyPath, lookup: Lookup): HostSource | undefined {
  if (server.remote || !isStageServer(server)) return undefined;
  const argv = argvOf(server)!;
  const listenRaw = flagValue(argv, '--listen-host');
  if (listenRaw !== undefined) {
    const listen = resolveArg(listenRaw, lookup, commandPath);
    if (listen === undefined) return undefined;
    if (listen.value.trim() !== '') return listen;
  }
  const chainRaw = flagValue(argv, '--chain-host');
  if (chainRaw !== undefined) {
    const chain = resolveArg(chainRaw, lookup, commandPath);
    if (chain === undefined || chain.value.trim() !== '') return chain;
  }
  return { value: PROGRAM_DEFAULT_HOST, path: commandPath, via: 'command' };
}

// No stage server recognised: judge the chain by its settings alone.
function settingsStageHosts(settings: Record<string, unknown>, lookup: Lookup): StageHost[] {
  const chain = lookup('settings.chain.host');
  const stages = settings.stages;
  const names = stages !== null && typeof stages === 'object' ? Object.keys(stages) : [];
  if (names.length === 0) return chain ? [{ stage: 'chain', source: chain }] : [];
  const out: StageHost[] = [];
  for (const name of names) {
    const own = lookup(`settings.stages.${name}.listen_host`);
    const source = own && own.value.trim() !== '' ? own : chain;
    if (source) out.push({ stage: name, source });
  }
  return out;
}
