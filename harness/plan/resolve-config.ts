import type { ConfigIssue } from '../config/config-error.ts';
import type { LoadedSuite, LoadedWorkload } from '../config/load-suite.ts';
import { ResolvedConfigSchema, type ResolvedConfig } from '../config/schema/resolved.ts';
import type { ClientConfig, ServerConfig } from '../config/schema/workload.ts';
import type { KeyPath } from '../config/yaml-source.ts';
import { prefixLayer, zodIssuesToConfigIssues, type SourceLayer } from '../config/zod-issues.ts';
import { deepMerge, setPath } from './merge.ts';
import type { Scalar, Variant } from './parameters.ts';
import { overridesLayer, type CommandLineOverrides } from './overrides.ts';
import { hashValue } from '../util/hash.ts';

/** Planning refuses suites above this many runs unless `--max-runs` raises it (docs/suites.md: Expansion semantics). */
export const DEFAULT_MAX_RUNS = 100_000;

/** A variant's merged, validated and normalized configuration. */
export interface ResolvedVariant {
  config: ResolvedConfig;
  /** Hash of the merged configuration without the command-line layer: the generated files' run identity. */
  baseHash: string;
  servers: ServerConfig[];
  clients: ClientConfig[];
  /** Maps a normalized path (`servers[1]`) back to where it was written, for messages. */
  layers: SourceLayer[];
  serverPath(index: number): KeyPath;
  clientPath(index: number): KeyPath;
}

export const OVERRIDE_ROOTS = ['workload', 'instrumentation', 'annotations'] as const;

// Parameters named `instrumentation.perf_freq`, `workload.server.env.X`… act as variant-level overrides.
export function variantOverridePaths(params: Record<string, Scalar>): [string[], Scalar][] {
  return Object.entries(params)
    .filter(([name]) => OVERRIDE_ROOTS.some((root) => name.startsWith(`${root}.`)))
    .map(([name, value]) => [name.split('.'), value]);
}

// The workload file may hold `instrumentation:` and `annotations:` defaults beside the workload keys.
function splitWorkloadFile(raw: unknown): Record<string, unknown> {
  const { instrumentation, annotations, ...workload } = (raw ?? {}) as Record<string, unknown>;
  return { workload, instrumentation: instrumentation ?? {}, annotations: annotations ?? {} };
}

function workloadFileLayer(w: LoadedWorkload): SourceLayer {
  return {
    source: w.configSource,
    toSourcePath(path) {
      if (path.length === 0) return [];
      if (path[0] === 'workload') return path.slice(1);
      return path[0] === 'instrumentation' || path[0] === 'annotations' ? path : null;
    },
  };
}

function variantLayer(suite: LoadedSuite, index: number, params: Record<string, Scalar>): SourceLayer {
  const names = Object.keys(params);
  return {
    source: suite.source,
    toSourcePath(path) {
      const dotted = path.join('.');
      const name = names.find((n) => n === dotted);
      if (!name) return null;
      const base = ['workloads', index, 'parameters'];
      const [group, ...rest] = name.split('.');
      return suite.source.has([...base, name]) ? [...base, name] : [...base, group!, rest.join('.')];
    },
  };
}

// Merge workload config < suite overrides < entry overrides < variant < command line, then validate.
export function resolveVariant(
  suite: LoadedSuite,
  workload: LoadedWorkload,
  variant: Variant,
  overrides: CommandLineOverrides,
): { resolved?: ResolvedVariant; issues: ConfigIssue[] } {
  let merged: Record<string, unknown> = splitWorkloadFile(workload.configSource.toJS());
  merged = deepMerge(merged, suite.descriptor.overrides);
  merged = deepMerge(merged, workload.entry.overrides);
  for (const [path, value] of variantOverridePaths(variant.params)) setPath(merged, path, value);
  // What the descriptor alone says: flags change a run's id, never the identity its generated file records.
  const baseHash = hashValue(merged, 32);
  merged = deepMerge(merged, overridesLayer(overrides));

  const layers: SourceLayer[] = [
    workloadFileLayer(workload),
    prefixLayer(suite.source, [], ['overrides']),
    prefixLayer(suite.source, [], ['workloads', workload.index, 'overrides']),
    variantLayer(suite, workload.index, variant.params),
  ];
  const parsed = ResolvedConfigSchema.safeParse(merged);
  if (!parsed.success) {
    return { issues: zodIssuesToConfigIssues(parsed.error, ResolvedConfigSchema, layers, workload.configSource.file) };
  }
  const config = parsed.data;
  const w = config.workload;
  const servers = [...(w.server ? [w.server] : []), ...w.servers, ...w.antagonists.map((a) => ({ ...a, role: 'antagonist' as const }))];
  const clients = Array.isArray(w.clients) ? w.clients : [w.clients];
  const hasSingle = w.server !== undefined;
  const clientsIsList = Array.isArray(w.clients);
  return {
    issues: [],
    resolved: {
      config,
      baseHash,
      servers,
      clients,
      layers,
      serverPath: (i) => {
        const single = hasSingle ? 1 : 0;
        if (hasSingle && i === 0) return ['workload', 'server'];
        if (i - single < w.servers.length) return ['workload', 'servers', i - single];
        return ['workload', 'antagonists', i - single - w.servers.length];
      },
      clientPath: (i) => (clientsIsList ? ['workload', 'clients', i] : ['workload', 'clients']),
    },
  };
}
