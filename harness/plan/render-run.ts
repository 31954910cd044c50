import path from 'node:path';
import type { ClientConfig, ServerConfig } from '../config/schema/workload.ts';
import type { ReadySpec, RemoteSpec } from '../config/schema/common.ts';
import type { KeyPath } from '../config/yaml-source.ts';
import { splitCommand, ShellSyntaxError } from './command-line.ts';
import { PinningError, wrapWithPinning } from '../util/pinning-argv.ts';
import { checkTemplateSyntax, MalformedTemplate, renderTemplate, UnknownTemplateVariable } from './template.ts';
import { buildTemplateVars, paramEnv, SettingTemplateError } from './template-vars.ts';
import { renderObserver, renderMonitors, renderScrapes } from './render-instrumentation.ts';
import { bundledArgv } from './remote-program.ts';
import type { PlannedRun, ProcessPlan, ReadyPlan, ResultsPlan, RunCommands, RunContext } from './run-types.ts';
import { PACKAGE_ROOT } from '../config/project-root.ts';

/** A problem rendering a run's commands, at a path of the resolved config. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
  constructor(
    message: string,
    readonly path: KeyPath,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

type Vars = ReadonlyMap<string, string>;

// Render one string, turning an unknown `{{name}}` into a RenderError at `at`.
export function renderAt(text: string, vars: Vars, at: KeyPath): string {
  try {
    return renderTemplate(text, vars);
  } catch (err) {
    if (err instanceof UnknownTemplateVariable) {
      const known = [...vars.keys()].filter((k) => !k.startsWith('paths.') || k === 'paths.artifact_dir');
      throw new RenderError(err.message, at, `known variables: ${known.slice(0, 16).map((k) => `{{${k}}}`).join(', ')}${known.length > 16 ? ', …' : ''}`);
    }
    if (err instanceof MalformedTemplate) throw new RenderError(err.message, at);
    throw err;
  }
}

export function renderArgv(command: string | string[], vars: Vars, at: KeyPath, cache?: Map<string, readonly string[]>): string[] {
  let argv: readonly string[];
  try {
    // Template syntax of the whole string first, so a column names the command, not one argument.
    if (typeof command === 'string' && command.includes('{{')) checkTemplateSyntax(command);
    const cached = typeof command === 'string' ? cache?.get(command) : undefined;
    argv = cached ?? splitCommand(command);
    if (!cached && typeof command === 'string') cache?.set(command, argv);
  } catch (err) {
    if (err instanceof ShellSyntaxError || err instanceof MalformedTemplate) throw new RenderError(err.message, at);
    throw err;
  }
  const out = argv.map((arg) => renderAt(arg, vars, at));
  if (out[0]!.trim() === '') throw new RenderError('the program name is empty once templates are expanded', at);
  return out;
}

function renderEnv(env: Record<string, string | number | boolean> | undefined, vars: Vars, at: KeyPath): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) out[k] = renderAt(String(v), vars, [...at, k]);
  return out;
}

// taskset / numactl around argv; a pinning that cannot work is a config problem at `at`.
function pinned(argv: string[], p: { cpus?: string | undefined; numa?: ServerConfig['numa'] }, at: KeyPath): string[] {
  try {
    return wrapWithPinning(argv, { ...(p.cpus ? { cpus: p.cpus } : {}), ...(p.numa ? { numa: p.numa } : {}) });
  } catch (err) {
    if (err instanceof PinningError) throw new RenderError(err.problems.join('; '), [...at, p.cpus ? 'cpus' : 'numa']);
    throw err;
  }
}

function renderReady(ready: ReadySpec | undefined, vars: Vars, at: KeyPath): ReadyPlan {
  if (!ready) return { kind: 'none' };
  if (ready.tcp !== undefined) {
    if (typeof ready.tcp === 'number') return { kind: 'tcp', host: '127.0.0.1', port: ready.tcp };
    const port = Number(renderAt(String(ready.tcp.port), vars, [...at, 'tcp', 'port']));
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RenderError(`ready.tcp.port is not a port number: ${ready.tcp.port}`, [...at, 'tcp', 'port']);
    return { kind: 'tcp', host: renderAt(ready.tcp.host, vars, [...at, 'tcp', 'host']), port };
  }
  if (ready.log !== undefined) {
    const pattern = renderAt(ready.log, vars, [...at, 'log']);
    try {
      new RegExp(pattern);
    } catch {
      throw new RenderError(`ready.log is not a valid regular expression: ${pattern}`, [...at, 'log']);
    }
    return { kind: 'log', pattern };
  }
  if (ready.http !== undefined) {
    const url = renderAt(ready.http, vars, [...at, 'http']);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new RenderError(`ready.http is not an http(s) URL once expanded: ${url}`, [...at, 'http']);
    return { kind: 'http', url };
  }
  if (ready.delay_ms !== undefined) return { kind: 'delay', ms: ready.delay_ms };
  return { kind: 'none' };
}

function renderRemote(remote: RemoteSpec | undefined, vars: Vars, at: KeyPath): RemoteSpec | undefined {
  if (!remote) return undefined;
  const r = (s: string, key: string): string => renderAt(s, vars, [...at, 'remote', key]);
  return {
    ...remote,
    host: Array.isArray(remote.host) ? remote.host.map((h) => r(h, 'host')) : r(remote.host, 'host'),
    ...(remote.ssh_config ? { ssh_config: r(remote.ssh_config, 'ssh_config') } : {}),
    ...(remote.proxy_jump ? { proxy_jump: r(remote.proxy_jump, 'proxy_jump') } : {}),
    ...(remote.known_hosts ? { known_hosts: r(remote.known_hosts, 'known_hosts') } : {}),
    ...(remote.identity_file ? { identity_file: r(remote.identity_file, 'identity_file') } : {}),
    workdir: r(remote.workdir, 'workdir'),
    ...(remote.metrics_dir ? { metrics_dir: r(remote.metrics_dir, 'metrics_dir') } : {}),
    extra_artifacts: remote.extra_artifacts.map((a) => (typeof a === 'string' ? r(a, 'extra_artifacts') : { ...a, path: r(a.path, 'extra_artifacts') })),
  };
}

function renderServer(server: ServerConfig, at: KeyPath, vars: Vars, baseEnv: Record<string, string>, ctx: RunContext): ProcessPlan {
  return {
    role: server.role,
    name: server.name,
    argv: pinned(renderArgv(server.command, vars, [...at, 'command'], ctx.splitCache), server, at),
    cwd: path.resolve(ctx.rootDir, renderAt(server.cwd ?? '.', vars, [...at, 'cwd'])),
    env: { ...baseEnv, ...renderEnv(server.env, vars, [...at, 'env']) },
    logFile: `${server.name}_${server.role === 'antagonist' ? 'antagonist' : 'server'}.log`,
    ready: renderReady(server.ready, vars, [...at, 'ready']),
    readyTimeoutMs: Math.round((server.ready?.timeout_s ?? 10) * 1000),
    stopSignal: server.stop.signal,
    graceMs: Math.round(server.stop.grace_s * 1000),
    ...(server.remote ? { remote: renderRemote(server.remote, vars, at)! } : {}),
    ...(!server.remote && Object.keys(server.ports).length > 0 ? { ports: server.ports } : {}),
  };
}

function renderClient(client: ClientConfig, at: KeyPath, vars: Map<string, string>, baseEnv: Record<string, string>, ctx: RunContext): ProcessPlan {
  const metricsFile = path.join(ctx.artifactDir, 'metrics', `${client.name}.json`);
  if (client.results && client.remote) throw new RenderError('result adapters read the client’s output on this node: a remote client cannot use `results` yet', [...at, 'results'], 'run the tool locally, or have it write generator-metrics JSON (docs/load-tools.md)');
  // A remote generator writes into this run's folder of remote.metrics_dir; it is copied back into metrics/.
  const remoteMetricsDir = client.remote?.metrics_dir ? `${renderAt(client.remote.metrics_dir, vars, [...at, 'remote', 'metrics_dir']).replace(/\/+$/, '')}/${path.basename(ctx.artifactDir)}` : undefined;
  if (client.remote && !remoteMetricsDir && client.metrics_flag) {
    throw new RenderError('a remote client needs remote.metrics_dir: its metrics are written there and copied back', [...at, 'remote'], 'set remote.metrics_dir (e.g. ~/MicroSentinel/artifacts/remote), or metrics_flag: null if the client writes none');
  }
  const flagFile = remoteMetricsDir ? `${remoteMetricsDir}/${client.name}.json` : metricsFile;
  const clientVars = new Map(vars).set('metrics_file', flagFile);
  const key = client.generator !== undefined ? 'generator' : 'command';
  const raw = (client.generator ?? client.command)!;
  const argv = renderArgv(raw, clientVars, [...at, key], ctx.splitCache);
  const usesTemplate = (Array.isArray(raw) ? raw.join(' ') : raw).includes('metrics_file');
  if (client.metrics_flag && !usesTemplate && !client.results) argv.push(client.metrics_flag, flagFile);
  const cwd = path.resolve(ctx.rootDir, renderAt(client.cwd ?? '.', clientVars, [...at, 'cwd']));
  const results = client.results ? renderResults(client, argv, clientVars, cwd, at) : undefined;
  return {
    role: 'client',
    name: client.name,
    // On a generator node the workload programs run as the bundles `harness deploy` uploaded.
    argv: pinned(client.remote ? bundledArgv(argv) : argv, client, at),
    cwd,
    env: { ...baseEnv, ...(results?.adapter === 'wrk' ? { HARNESS_WRK_REPORT: WRK_REPORT_SCRIPT } : {}), ...renderEnv(client.env, clientVars, [...at, 'env']) },
    logFile: `${client.name}_client.log`,
    ready: { kind: 'none' },
    readyTimeoutMs: 0,
    stopSignal: 'SIGTERM',
    graceMs: 5000,
    timeoutMs: Math.round(client.timeout_s * 1000),
    startDelayMs: client.start_delay_ms,
    metricsFile,
    ...(results ? { results } : {}),
    ...(client.remote ? { remote: renderRemote(client.remote, clientVars, at)! } : {}),
    ...(remoteMetricsDir ? { remoteMetricsDir } : {}),
  };
}

/** wrk's `done()` hook that prints its summary and latency buckets as JSON (harness/results/adapters/wrk.ts). */
export const WRK_REPORT_SCRIPT = path.join(PACKAGE_ROOT, 'harness', 'results', 'adapters', 'wrk-report.lua');

// A client's result adapter: `file` rendered and absolute; wrk gets the report script unless it has its own.
function renderResults(client: ClientConfig, argv: string[], vars: Vars, cwd: string, at: KeyPath): ResultsPlan {
  const results = client.results!;
  // A wrk command with its own script (-s/--script) loads the report with dofile(os.getenv("HARNESS_WRK_REPORT")).
  if (results.adapter === 'wrk' && !argv.some((a) => a === '-s' || a === '--script' || a.startsWith('--script='))) argv.push('--script', WRK_REPORT_SCRIPT);
  if (results.file === undefined) return results;
  return { ...results, file: path.resolve(cwd, renderAt(results.file, vars, [...at, 'results', 'file'])) };
}

// A settings value with a bad template is a problem at that setting.
function settingsAware<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof SettingTemplateError) throw new RenderError(err.message, ['workload', ...err.setting.split('.')]);
    throw err;
  }
}

// Every concrete command of a run, with templates expanded: what a dry run prints and a run starts.
export function renderRunCommands(run: PlannedRun, ctx: RunContext): RunCommands {
  const resolved = run.resolved;
  const vars = settingsAware(() => buildTemplateVars(run, resolved, ctx));
  const baseEnv = {
    ...paramEnv(run.variant.params),
    HARNESS_RUN_ID: run.id,
    HARNESS_RUN_NAME: run.name,
    HARNESS_MODE: run.mode,
    HARNESS_REPETITION: String(run.repetition),
    HARNESS_ARTIFACT_DIR: ctx.artifactDir,
  };
  const servers = resolved.servers.map((s, i) => renderServer(s, resolved.serverPath(i), vars, baseEnv, ctx));
  const clients = resolved.clients.map((c, i) => renderClient(c, resolved.clientPath(i), vars, baseEnv, ctx));
  const observer = renderObserver(run, ctx, vars);
  return {
    servers,
    clients,
    observer: observer?.process ?? null,
    monitors: renderMonitors(resolved.config.instrumentation, ctx),
    scrapes: renderScrapes(run, vars),
    ...(observer?.agentConfig ? { agentConfig: observer.agentConfig } : {}),
  };
}
