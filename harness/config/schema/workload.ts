import { z } from 'zod';
import { CommandSchema, EnvSchema, MAX_TIMER_MS, NameSchema, NumaSchema, PortSchema, ReadySchema, RemoteSchema, SecondsSchema, StopSchema } from './common.ts';
import { RateSearchSchema } from './rate-search.ts';
import { ResultsSchema } from './results.ts';

const processFields = {
  cwd: z.string().optional().describe('Working directory, relative to the project root. @default the project root'),
  env: EnvSchema.optional(),
  cpus: z.string().optional().describe('Pin to these CPUs with `taskset -c` (e.g. "0-1").'),
  numa: NumaSchema.optional(),
  remote: RemoteSchema.optional(),
};

// A long-running process of the workload: started, probed for readiness, stopped at the end.
export const ServerSchema = z.strictObject({
  name: NameSchema.default('server'),
  command: CommandSchema,
  ...processFields,
  ports: z.record(z.string(), PortSchema).default({}).describe('Named ports, usable as `{{ports.NAME}}`.'),
  ready: ReadySchema.optional().describe('@default ready as soon as it is spawned'),
  stop: StopSchema.prefault({}),
  role: z.enum(['server', 'antagonist']).default('server').describe('`antagonist`: a co-located competitor, stopped like a server.'),
});

// A process that runs to completion: load generators, traffic clients.
export const ClientSchema = z
  .strictObject({
    name: NameSchema.default('client'),
    generator: CommandSchema.optional().describe('The generator command (the original spelling); same as `command`.'),
    command: CommandSchema.optional(),
    ...processFields,
    metrics_flag: z
      .string()
      .nullable()
      .default('--metrics-file')
      .describe('Flag appended with the reserved metrics path (metrics/<name>.json) unless the command uses `{{metrics_file}}`; null disables.'),
    timeout_s: SecondsSchema.positive().default(120).describe('The client must finish within this time.'),
    start_delay_ms: z.number().int().min(0).max(MAX_TIMER_MS).default(0),
    results: ResultsSchema.optional().describe('A result adapter for a third-party load tool (docs/load-tools.md); the metrics flag is then not appended.'),
  })
  .refine((c) => (c.generator === undefined) !== (c.command === undefined), {
    message: 'give exactly one of `generator` or `command`',
  });

// A workload: servers, clients, truth-log settings (docs/suites.md: Workload configs).
export const WorkloadConfigSchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  server: ServerSchema.optional().describe('A single server (the original spelling). Use `servers` for several.'),
  servers: z.array(ServerSchema).default([]),
  antagonists: z
    .array(ServerSchema)
    .default([])
    .describe('Co-located competitors (CPU, cache), started after the servers and stopped like them; a separate list so a suite can add one without replacing `servers`.'),
  clients: z
    .union([ClientSchema, z.array(ClientSchema).min(1)])
    .describe('One client mapping (the original spelling) or a list of clients, run concurrently.'),
  hosts: z
    .record(z.string(), z.string())
    .default({})
    .describe('Named addresses for templates, e.g. `{{hosts.server}}`. `server` defaults to 127.0.0.1.'),
  truth_limit: z.number().int().min(0).default(10000).describe('Maximum records per truth log (`{{truth_limit}}`).'),
  settings: z
    .record(z.string(), z.unknown())
    .default({})
    .describe('Free-form workload settings (rates, durations…), usable as `{{settings.KEY}}`.'),
  lint: z
    .strictObject({ loopback_with_remote: z.enum(['error', 'warn', 'off']).default('error') })
    .optional(),
  rate_search: RateSearchSchema.optional().describe('Find capacity_rps by bisection instead of running one rate (docs/measurement.md: Capacity).'),
});

export type ServerConfig = z.infer<typeof ServerSchema>;
export type ClientConfig = z.infer<typeof ClientSchema>;
export type WorkloadConfig = z.infer<typeof WorkloadConfigSchema>;
