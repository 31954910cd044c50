import type { LoadedWorkload } from '../config/load-suite.ts';
import type { Mode } from '../config/schema/instrumentation.ts';
import type { RemoteSpec } from '../config/schema/common.ts';
import type { ResultsConfig } from '../config/schema/results.ts';
import type { Variant } from './parameters.ts';
import type { ResolvedVariant } from './resolve-config.ts';
import type { Bound, ValidityRules } from '../config/schema/suite.ts';
import type { PrecisionSpec } from '../config/schema/precision.ts';

/** One run: workload × mode × variant × repetition. */
export interface PlannedRun {
  /** Stable id: hash of the run's resolved spec, command-line overrides included (artifacts, `--resume`). */
  id: string;
  /** The id without command-line overrides: what its generated file records (equals `id` without flags). */
  baseId: string;
  /** Readable name `workload/mode/variant/rep`, also the Vitest test name. */
  name: string;
  suite: string;
  workload: string;
  mode: Mode;
  variant: Variant;
  repetition: number;
  /** Position in the workload's execution order. */
  order: number;
  timeoutMs: number;
  resolved: ResolvedVariant;
  source: LoadedWorkload;
  validity: ValidityRules;
  expect: Record<string, Bound>;
  /** Precision targets of its workload entry (or the suite's): blocks beyond min_repetitions run only while needed. */
  precision?: PrecisionSpec;
  /** The git-patch mutation this run executes under, if any. */
  mutation?: PlannedMutation;
}

export interface PlannedMutation {
  name: string;
  patch: string;
  patchSha256: string;
  build?: string;
  baseCommit: string;
}

/** Readiness as planned; the process layer turns it into a probe. */
export type ReadyPlan =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'log'; pattern: string }
  | { kind: 'http'; url: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'none' };

/** A client's result adapter with its `file` rendered and made absolute. */
export type ResultsPlan = ResultsConfig;

/** A fully resolved process of a run: what the dry run prints and the runner starts. */
export interface ProcessPlan {
  role: 'server' | 'antagonist' | 'client' | 'observer' | 'monitor';
  name: string;
  /** Final argv, pinning wrapper included. */
  argv: string[];
  cwd: string;
  /** Environment added to the harness's own. */
  env: Record<string, string>;
  /** Log file name inside the artifact folder. */
  logFile: string;
  ready: ReadyPlan;
  readyTimeoutMs: number;
  stopSignal: NodeJS.Signals;
  graceMs: number;
  /** Clients: the process must finish within this time. */
  timeoutMs?: number;
  startDelayMs?: number;
  /** Clients: the reserved metrics JSON path. */
  metricsFile?: string;
  /** Clients with a result adapter (docs/load-tools.md): which, and the tool's output file (absolute; absent: the client log). */
  results?: ResultsPlan;
  remote?: RemoteSpec;
  /** Remote clients: this run's own folder inside remote.metrics_dir (copied back into metrics/). */
  remoteMetricsDir?: string;
  /** Local servers: their named ports, each checked free before the server starts. */
  ports?: Record<string, number>;
  /** Why this process cannot start yet (e.g. no agent binary given); the dry run still shows it. */
  unresolved?: string;
}

/** A Prometheus text endpoint scraped into prometheus/<name>.om.txt. */
export interface ScrapeEndpoint {
  name: string;
  url: string;
}

export interface RunCommands {
  servers: ProcessPlan[];
  clients: ProcessPlan[];
  observer: ProcessPlan | null;
  monitors: ProcessPlan[];
  /** Prometheus endpoints scraped during the measurement window (observer's first), and how often. */
  scrapes: { intervalMs: number; endpoints: ScrapeEndpoint[] };
  /** Rendered agent config (microsentinel mode), written to the artifact folder. */
  agentConfig?: { file: string; settings: Record<string, unknown> };
}

/** Per-run values known only when it runs (or placeholders in a dry run). */
export interface RunContext {
  rootDir: string;
  artifactDir: string;
  /** Command strings already split into argv (planning renders every variant: split each string once). */
  splitCache?: Map<string, readonly string[]>;
}
