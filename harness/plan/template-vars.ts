import type { ResolvedVariant } from './resolve-config.ts';
import type { PlannedRun, RunContext } from './run-types.ts';
import path from 'node:path';
import { MalformedTemplate, renderTemplate, UnknownTemplateVariable } from './template.ts';
import { HarnessError } from '../errors/harness-error.ts';

// Flatten nested settings into dotted names: {rate: {max: 5}} → settings.rate.max = "5".
function flatten(prefix: string, value: unknown, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(`${prefix}.${k}`, v, out);
  } else if (Array.isArray(value)) {
    out.set(prefix, value.join(','));
  } else if (value !== undefined && value !== null) {
    out.set(prefix, String(value));
  }
}

// Every `{{name}}` a run's commands may use; `metrics_file` is added per client.
export function buildTemplateVars(run: Pick<PlannedRun, 'id' | 'name' | 'mode' | 'repetition' | 'variant' | 'suite' | 'workload'>, resolved: ResolvedVariant, ctx: RunContext): Map<string, string> {
  const vars = new Map<string, string>();
  for (const [name, value] of Object.entries(run.variant.params)) vars.set(`params.${name}`, String(value));
  for (const server of resolved.servers) for (const [name, port] of Object.entries(server.ports)) vars.set(`ports.${name}`, String(port));
  vars.set('hosts.server', '127.0.0.1');
  for (const [name, host] of Object.entries(resolved.config.workload.hosts)) vars.set(`hosts.${name}`, host);
  flatten('settings', resolved.config.workload.settings, vars);
  vars.set('truth_limit', String(resolved.config.workload.truth_limit));
  vars.set('suite.name', run.suite);
  vars.set('workload.name', run.workload);
  vars.set('run.id', run.id);
  vars.set('run.name', run.name);
  vars.set('run.mode', run.mode);
  vars.set('run.repetition', String(run.repetition));
  vars.set('run.variant', run.variant.label);
  vars.set('paths.root', ctx.rootDir);
  vars.set('paths.artifact_dir', ctx.artifactDir);
  vars.set('paths.metrics_dir', path.join(ctx.artifactDir, 'metrics'));
  vars.set('paths.truth_dir', path.join(ctx.artifactDir, 'truth'));
  resolveSettingTemplates(vars);
  return vars;
}

/** A setting whose templates cannot be expanded: an unknown name, or a cycle. */
export class SettingTemplateError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'SettingTemplateError';
  constructor(
    /** `settings.chain.host` */
    readonly setting: string,
    message: string,
  ) {
    super(message);
    this.name = 'SettingTemplateError';
  }
}

// Settings values may be templates themselves (`chain.host: "{{hosts.server}}"`): expand them in
// place, following settings that name other settings (one level a pass; a chain of n settings
// needs at most n passes, so more means a cycle).
function resolveSettingTemplates(vars: Map<string, string>): void {
  let pending = [...vars.keys()].filter((k) => k.startsWith('settings.') && vars.get(k)!.includes('{{'));
  for (let pass = pending.length; pending.length > 0; pass--) {
    if (pass === 0) throw new SettingTemplateError(pending[0]!, `${pending[0]} refers to itself through its templates (${pending.join(', ')} form a cycle)`);
    for (const name of pending) {
      try {
        vars.set(name, renderTemplate(vars.get(name)!, vars));
      } catch (err) {
        if (err instanceof UnknownTemplateVariable || err instanceof MalformedTemplate) throw new SettingTemplateError(name, err.message);
        throw err;
      }
    }
    pending = pending.filter((k) => vars.get(k)!.includes('{{'));
  }
}

// HARNESS_PARAM_<NAME> for each parameter (`rate_scan.samples_per_core` → HARNESS_PARAM_RATE_SCAN_SAMPLES_PER_CORE).
export function paramEnv(params: Record<string, string | number | boolean>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) env[`HARNESS_PARAM_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] = String(value);
  return env;
}
