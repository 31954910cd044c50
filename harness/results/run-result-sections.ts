import { z } from 'zod';

// The sections of run_result.json that the run's stages return (harness/runner/stage.ts). Each is a
// strict object: a stage that writes a misspelt or unknown field fails the schema check the recorder
// runs before writing, so a typo is a failed run (and test), never a silently missing field.

const Iso = z.string().describe('ISO 8601 time');

/** A patch mutation's worktree, from the prepare stage. */
export const MutationSectionSchema = z.strictObject({
  name: z.string(),
  base_commit: z.string(),
  patch: z.string(),
  patch_sha256: z.string(),
  build: z.string().nullable(),
  build_log: z.string().nullable(),
  worktree: z.string(),
});

const PerfStatValueSchema = z.strictObject({
  event: z.string(),
  value: z.number().nullable(),
  unit: z.string(),
  supported: z.boolean(),
  counted: z.boolean(),
  enabled_pct: z.number().nullable(),
  metric: z.strictObject({ value: z.number(), unit: z.string() }).nullable(),
  interval_s: z.number().optional(),
  variance_pct: z.number().optional(),
});

const PrometheusFamilySchema = z.strictObject({
  name: z.string(),
  type: z.string(),
  help: z.string(),
  samples: z.array(
    z.strictObject({
      labels: z.record(z.string(), z.string()),
      value: z.number().nullable(),
      buckets: z.record(z.string(), z.number()).optional(),
      quantiles: z.record(z.string(), z.number()).optional(),
      count: z.number().optional(),
      sum: z.number().optional(),
    }),
  ),
});

/** The observer stage: what perf or the agent ran with and produced. Empty in baseline mode. */
export const InstrumentationSectionSchema = z.strictObject({
  observer: z.strictObject({ name: z.string(), exit_code: z.number().int().nullable(), signal: z.string().nullable(), log: z.string() }).optional(),
  agent_config: z.strictObject({ file: z.string(), template: z.string().nullable(), settings: z.record(z.string(), z.unknown()), toml: z.string() }).optional(),
  agent_version: z.string().nullable().optional(),
  prometheus: z.strictObject({ url: z.string(), taken_at: Iso, file: z.string(), families: z.array(PrometheusFamilySchema) }).optional(),
  perf_stat: z.strictObject({ file: z.string(), values: z.array(PerfStatValueSchema) }).optional(),
  perf_record: z
    .strictObject({ file: z.string().nullable(), bytes: z.number(), samples: z.number().nullable(), frequency_hz: z.number().nullable(), events: z.union([z.string(), z.array(z.string())]).nullable() })
    .optional(),
});

const CpuUtilisationSchema = z.strictObject({
  cpu: z.string(),
  samples: z.number(),
  usr: z.number(),
  sys: z.number(),
  iowait: z.number(),
  irq: z.number(),
  soft: z.number(),
  steal: z.number(),
  idle: z.number(),
  busy: z.number(),
});

const ProcessCpuSchema = z.strictObject({
  pid: z.number(),
  command: z.string(),
  samples: z.number(),
  cpu_pct_mean: z.number(),
  cpu_pct_max: z.number(),
  usr_pct_mean: z.number(),
  system_pct_mean: z.number(),
  rss_kb_max: z.number(),
});

const CpuSampleSchema = z.strictObject({ t: z.string().nullable(), cpu: z.string(), usr: z.number(), sys: z.number(), iowait: z.number(), idle: z.number(), busy: z.number() });
const ProcessSampleSchema = z.strictObject({ t: z.string().nullable(), pid: z.number(), cpu_pct: z.number(), usr_pct: z.number(), system_pct: z.number(), rss_kb: z.number() });

/** One host monitor's record: what it measured, or why it did not. */
export const MonitorRecordSchema = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('ok'),
    log: z.string(),
    interval_samples: z.number().optional(),
    cpus: z.array(CpuUtilisationSchema).optional(),
    processes: z.array(ProcessCpuSchema).optional(),
    samples: z.array(z.union([CpuSampleSchema, ProcessSampleSchema])).optional().describe('Every interval (mpstat: per core; pidstat: per process), with its time: the time series behind the means.'),
  }),
  z.strictObject({ status: z.literal('missing'), warning: z.string() }),
  z.strictObject({ status: z.literal('skipped'), reason: z.string() }),
  z.strictObject({ status: z.literal('unparsed'), log: z.string() }),
]);

/** The monitors stage: mpstat and pidstat summaries. */
export const MonitorsSectionSchema = z.strictObject({ mpstat: MonitorRecordSchema.optional(), pidstat: MonitorRecordSchema.optional() });

const JumpTrustSchema = z.strictObject({ host: z.string(), user: z.string(), known_hosts: z.array(z.string()), ssh_config: z.string().nullable(), host_key: z.string().nullable() });

/** A generator host of a remote client (load stage): identity, clock offset at run start, trust record. */
export const RemoteHostRecordSchema = z.strictObject({
  client: z.string(),
  host: z.string(),
  address: z.string(),
  user: z.string(),
  hostname: z.string().optional(),
  kernel: z.string().optional(),
  cpu_count: z.number().nullable(),
  node_version: z.string().optional(),
  clock: z.strictObject({ host: z.string(), offset_ms: z.number(), rtt_ms: z.number(), samples: z.number(), measured_at: Iso }),
  trust: z.strictObject({
    host: z.string(),
    user: z.string(),
    strict_host_key_checking: z.boolean(),
    known_hosts: z.array(z.string()),
    ssh_config: z.string().nullable(),
    host_key: z.string().nullable(),
    proxy_jump: z.array(JumpTrustSchema),
  }),
});

/** One copy-back transfer (copy-back stage). */
export const FetchRecordSchema = z.strictObject({
  host: z.string(),
  source: z.string(),
  resolved: z.string().nullable(),
  destination: z.string(),
  kind: z.enum(['file', 'directory', 'missing']),
  files: z.number(),
  bytes: z.number(),
  duration_ms: z.number(),
  error: z.string().nullable(),
});

export type MonitorRecord = z.infer<typeof MonitorRecordSchema>;
