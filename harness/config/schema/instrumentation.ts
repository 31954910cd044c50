import { z } from 'zod';
import { CommandSchema, EnvSchema, PortSchema, SecondsSchema } from './common.ts';
import { forbiddenKeyReason } from '../yaml-compose.ts';

export const MODES = ['baseline', 'perf', 'microsentinel'] as const;
export const ModeSchema = z.enum(MODES);
export type Mode = z.infer<typeof ModeSchema>;

const MonitorSchema = z.strictObject({
  enabled: z.boolean().default(true),
  interval_s: z.number().int().min(1).max(3600).default(1),
  required: z.boolean().default(false).describe('Fail the run when the monitor cannot run (sysstat missing).'),
});

// Knobs of the observers (docs/measurement.md: Instrumentation modes). Sampling knobs of the agent live in its TOML config.
export const InstrumentationSchema = z.strictObject({
  perf_mode: z.enum(['record', 'stat']).default('record'),
  perf_freq: z.number().int().positive().optional().describe('perf -F; the --perf-freq flag sets it.'),
  pmu_events: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('perf -e list, e.g. "cpu-clock,task-clock". Hardware events read <not supported> on VMs.'),
  interval_ms: z.number().int().positive().optional().describe('perf stat -I interval.'),
  system_wide: z.boolean().default(false).describe('perf -a instead of the run’s server pids.'),
  call_graph: z.boolean().default(false),
  perf_bin: z.string().default('perf'),
  agent_bin: z.string().optional().describe('MicroSentinel agent binary; the --agent-bin flag sets it.'),
  agent_config: z.string().optional().describe('Agent TOML config template; the --agent-config flag sets it.'),
  metrics_port: PortSchema.optional().describe('Agent --metrics-port; the --metrics-port flag sets it.'),
  agent_params: z
    .record(z.string(), z.string().refine((key) => forbiddenKeyReason(key) === null, 'an agent config key cannot name `__proto__`, `constructor` or `prototype`'))
    .default({})
    .describe('Maps variant parameters to agent config keys, e.g. `rate_scan.samples_per_core: sampling.budget`.'),
  agent_settings: z.record(z.string(), z.unknown()).default({}).describe('Agent config keys (dotted) set for every run.'),
  agent_env: EnvSchema.optional(),
  agent_ready_timeout_s: SecondsSchema.positive().default(15),
  observer_command: CommandSchema.optional().describe('Advanced: a custom observer command instead of the agent.'),
  timeseries: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Scraping costs the observer a little CPU (the reference observer: about 0.5 % of a core at 1 s, bench/scrape-cost.ts); false measures without it.'),
      interval_ms: z.number().int().min(100).max(60_000).default(1000).describe('How often Prometheus endpoints are scraped during the measurement window.'),
      endpoints: z
        .array(
          z.strictObject({
            name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, `.`, `_`, `-` (it names the dump file)').describe('Names prometheus/<name>.om.txt.'),
            url: z.string().describe('Prometheus text endpoint; templates allowed, e.g. http://{{hosts.server}}:{{ports.node_exporter}}/metrics'),
          }),
        )
        .default([])
        .describe('Extra endpoints scraped like the observer’s, e.g. a prometheus-node-exporter server process.'),
    })
    .prefault({})
    .describe('Time series during the measurement window: the observer’s metrics endpoint (microsentinel mode) and these endpoints.'),
  monitors: z
    .strictObject({ mpstat: MonitorSchema.prefault({}), pidstat: MonitorSchema.prefault({}) })
    .prefault({})
    .describe('Host monitors from sysstat, on by default in every mode.'),
});

export type InstrumentationConfig = z.infer<typeof InstrumentationSchema>;
