import path from 'node:path';
import type { InstrumentationConfig } from '../config/schema/instrumentation.ts';
import { suggestionHint } from '../config/suggest.ts';
import { RenderError, renderArgv, renderAt } from './render-run.ts';
import type { PlannedRun, ProcessPlan, RunCommands, RunContext } from './run-types.ts';

export const MISSING_AGENT_BIN =
  'microsentinel mode needs the agent binary: pass --agent-bin PATH or set instrumentation.agent_bin (experiments/agents/reference-observer.sh is a stand-in that runs here)';

/** Placeholder for the pids of the run's servers, filled in once they are running. */
export const SERVER_PIDS = '{{server_pids}}';

const I = (key: string): string[] => ['instrumentation', key];

function observerBase(name: string, argv: string[], ctx: RunContext, mode: string): ProcessPlan {
  return {
    role: 'observer',
    name,
    argv,
    cwd: ctx.rootDir,
    env: {},
    logFile: `instrumentation_${mode}.log`,
    ready: { kind: 'none' },
    readyTimeoutMs: 10_000,
    stopSignal: 'SIGINT',
    graceMs: 10_000,
  };
}

function perfEvents(cfg: InstrumentationConfig): string | undefined {
  if (cfg.pmu_events === undefined) return undefined;
  return Array.isArray(cfg.pmu_events) ? cfg.pmu_events.join(',') : cfg.pmu_events;
}

// perf (docs/measurement.md: Instrumentation modes): `perf record` by default, `perf stat -x` with perf_mode: stat; targets the servers' pids.
function renderPerf(cfg: InstrumentationConfig, ctx: RunContext): ProcessPlan {
  const target = cfg.system_wide ? ['-a'] : ['-p', SERVER_PIDS];
  const events = perfEvents(cfg);
  const ev = events ? ['-e', events] : [];
  if (cfg.perf_mode === 'stat') {
    const interval = cfg.interval_ms ? ['-I', String(cfg.interval_ms)] : [];
    const argv = [cfg.perf_bin, 'stat', '-x', ',', ...ev, ...interval, '-o', path.join(ctx.artifactDir, 'perf_stat.csv'), ...target];
    return observerBase('perf-stat', argv, ctx, 'perf');
  }
  const freq = cfg.perf_freq ? ['-F', String(cfg.perf_freq)] : [];
  const graph = cfg.call_graph ? ['-g'] : [];
  const argv = [cfg.perf_bin, 'record', ...freq, ...ev, ...graph, '-o', path.join(ctx.artifactDir, 'perf.data'), ...target];
  return observerBase('perf-record', argv, ctx, 'perf');
}

// Agent config keys for this run: fixed agent_settings, then parameters mapped by agent_params.
function agentSettings(run: PlannedRun): Record<string, unknown> {
  const cfg = run.resolved.config.instrumentation;
  const settings: Record<string, unknown> = { ...cfg.agent_settings };
  for (const [param, key] of Object.entries(cfg.agent_params)) {
    if (!(param in run.variant.params)) {
      throw new RenderError(`agent_params maps \`${param}\`, which is not a parameter of this workload entry`, [...I('agent_params'), param], suggestionHint(param, Object.keys(run.variant.params)));
    }
    settings[key] = run.variant.params[param];
  }
  return settings;
}

// microsentinel (docs/measurement.md: Instrumentation modes): only --config and --metrics-port reach the agent; knobs go in its config.
function renderAgent(run: PlannedRun, ctx: RunContext, vars: ReadonlyMap<string, string>): { process: ProcessPlan; agentConfig: { file: string; settings: Record<string, unknown> } } {
  const cfg = run.resolved.config.instrumentation;
  const configFile = path.join(ctx.artifactDir, 'agent_config.toml');
  const settings = agentSettings(run);
  if (cfg.observer_command) {
    const argv = renderArgv(cfg.observer_command, new Map(vars).set('agent_config', configFile), I('observer_command'));
    return { process: { ...observerBase('observer', argv, ctx, 'microsentinel'), env: {} }, agentConfig: { file: configFile, settings } };
  }
  // A dry run still shows the command; starting it is refused (see ProcessPlan.unresolved).
  const bin = cfg.agent_bin ? path.resolve(ctx.rootDir, renderAt(cfg.agent_bin, vars, I('agent_bin'))) : '<agent-bin>';
  const argv = [bin, `--config=${configFile}`];
  if (cfg.metrics_port !== undefined) argv.push(`--metrics-port=${cfg.metrics_port}`);
  const process: ProcessPlan = {
    ...observerBase('microsentinel-agent', argv, ctx, 'microsentinel'),
    stopSignal: 'SIGTERM',
    graceMs: 5000,
    readyTimeoutMs: Math.round(cfg.agent_ready_timeout_s * 1000),
    ready: cfg.metrics_port !== undefined ? { kind: 'http', url: `http://127.0.0.1:${cfg.metrics_port}/metrics` } : { kind: 'none' },
    env: Object.fromEntries(Object.entries(cfg.agent_env ?? {}).map(([k, v]) => [k, String(v)])),
    ...(cfg.agent_bin ? {} : { unresolved: MISSING_AGENT_BIN }),
  };
  return { process, agentConfig: { file: configFile, settings } };
}

// The observer process of a run's mode (none for baseline).
export function renderObserver(run: PlannedRun, ctx: RunContext, vars: ReadonlyMap<string, string>): { process: ProcessPlan; agentConfig?: { file: string; settings: Record<string, unknown> } } | null {
  if (run.mode === 'baseline') return null;
  if (run.mode === 'perf') return { process: renderPerf(run.resolved.config.instrumentation, ctx) };
  return renderAgent(run, ctx, vars);
}

// Host monitors (sysstat): mpstat for every core, pidstat for the servers' pids.
export function renderMonitors(cfg: InstrumentationConfig, ctx: RunContext): ProcessPlan[] {
  const out: ProcessPlan[] = [];
  const mon = cfg.monitors;
  const base = (name: string, argv: string[]): ProcessPlan => ({
    ...observerBase(name, argv, ctx, name),
    role: 'monitor',
    logFile: `${name}.log`,
    env: { LC_ALL: 'C', S_TIME_FORMAT: 'ISO' },
    stopSignal: 'SIGINT',
    graceMs: 3000,
  });
  if (mon.mpstat?.enabled) out.push(base('mpstat', ['mpstat', '-o', 'JSON', '-P', 'ALL', String(mon.mpstat.interval_s)]));
  if (mon.pidstat?.enabled) out.push(base('pidstat', ['pidstat', '-h', '-u', '-r', '-p', SERVER_PIDS, String(mon.pidstat.interval_s)]));
  return out;
}

// Endpoints scraped during the measurement window: the agent's metrics port, then the configured ones.
export function renderScrapes(run: PlannedRun, vars: ReadonlyMap<string, string>): RunCommands['scrapes'] {
  const cfg = run.resolved.config.instrumentation;
  const endpoints = cfg.timeseries.endpoints.map((e, i) => ({ name: e.name, url: renderAt(e.url, vars, [...I('timeseries'), 'endpoints', String(i), 'url']) }));
  const names = endpoints.map((e) => e.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i || (n === 'observer' && run.mode === 'microsentinel' && cfg.metrics_port !== undefined));
  if (twice) throw new RenderError(`two time-series endpoints would write prometheus/${twice}.om.txt ("observer" is the agent's own in microsentinel mode)`, [...I('timeseries'), 'endpoints'], 'give each endpoint its own name');
  // Checked above even when off, so a bad endpoint list is reported before someone turns it on.
  if (!cfg.timeseries.enabled) return { intervalMs: cfg.timeseries.interval_ms, endpoints: [] };
  if (run.mode === 'microsentinel' && cfg.metrics_port !== undefined) {
    endpoints.unshift({ name: 'observer', url: `http://127.0.0.1:${cfg.metrics_port}/metrics` });
  }
  return { intervalMs: cfg.timeseries.interval_ms, endpoints };
}
