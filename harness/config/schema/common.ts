import { z } from 'zod';
import { MAX_NAME_LENGTH, SAFE_NAME, SAFE_NAME_RULE } from '../../util/safe-name.ts';

/** A name that becomes part of a file name (suite, workload, server, client, mutation). */
export const NameSchema = z.string().max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters (it names files)`).regex(SAFE_NAME, SAFE_NAME_RULE);

/** Node clamps timers above 2³¹−1 ms to 1 ms: a longer timeout would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_TIMER_S = Math.floor(MAX_TIMER_MS / 1000);

// A duration in seconds that a timer can hold (at most about 24.8 days).
export const SecondsSchema = z.number().max(MAX_TIMER_S, `at most ${MAX_TIMER_S} s (about 24.8 days): longer timers are not possible`);

// A command is a string (split like a shell would, without running one) or an argv list.
export const CommandSchema = z
  .union([z.string().min(1, 'command must not be empty'), z.array(z.string()).min(1, 'command must list at least the program')])
  .describe('Command line: a string split into arguments like a shell would (no shell runs), or an argv list. `{{...}}` templates are expanded per argument.');

export const ScalarSchema = z.union([z.string(), z.number(), z.boolean()]);

// Environment values may be written as numbers or booleans; they reach processes as strings. Keys
// are POSIX names: a remote command exports them through a shell, where `BAD-NAME=` is an error.
export const EnvSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and `_`, not starting with a digit'), ScalarSchema).describe('Extra environment variables; values may use `{{...}}` templates.');

export const PortSchema = z.number().int().min(1).max(65535);

export const SignalSchema = z.enum(['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGKILL']);

// CPU pinning / NUMA wrapper: `taskset -c` for cpus, `numactl` for the numa policy.
export const NumaSchema = z.strictObject({
  cpunodebind: z.union([z.string(), z.number().int()]).optional().describe('numactl --cpunodebind'),
  membind: z.union([z.string(), z.number().int()]).optional().describe('numactl --membind'),
  physcpubind: z.string().optional().describe('numactl --physcpubind'),
  interleave: z.string().optional().describe('numactl --interleave'),
});

export const ExtraArtifactSchema = z.union([
  z.string().min(1),
  z.strictObject({
    path: z.string().min(1).describe('Remote path (relative to workdir, or absolute, or ~/…).'),
    dest: z.enum(['truth', 'metrics', 'remote']).default('truth').describe('Local folder under the run artifact directory.'),
  }),
]);

// Where and how a command runs on another node over SSH.
export const RemoteSchema = z.strictObject({
  host: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .describe('Host name, ~/.ssh/config alias, or address; a list fans the command out to several generator hosts.'),
  port: PortSchema.optional().describe('@default 22, or the Port of ~/.ssh/config'),
  user: z.string().min(1).optional(),
  identity_file: z.string().min(1).optional(),
  workdir: z.string().min(1).default('~').describe('Remote directory the command runs in (`cd workdir && …`). `~/` stays unquoted.'),
  metrics_dir: z.string().min(1).optional().describe('Remote directory copied back into the run’s metrics/ folder.'),
  extra_artifacts: z.array(ExtraArtifactSchema).default([]).describe('Further remote files/directories copied back (truth logs → truth/).'),
  instances: z.number().int().min(1).max(64).default(1).describe('Instances of the command per host.'),
  strict_host_key_checking: z
    .boolean()
    .default(true)
    .describe('Verify the host key against known_hosts. Turning it off is recorded in plan.json.'),
  ssh_config: z.string().optional().describe('@default ~/.ssh/config'),
  proxy_jump: z
    .string()
    .min(1)
    .regex(/^\S+$/, 'proxy_jump: hosts are separated by commas, without spaces')
    .optional()
    .describe('Jump hosts, `[user@]host[:port]` comma-separated (first hop first), each resolved through ssh_config; `none` connects directly. @default ProxyJump of ssh_config'),
  known_hosts: z.string().optional().describe('@default ~/.ssh/known_hosts'),
});

// How the harness decides a process is ready: exactly one probe.
export const ReadySchema = z
  .strictObject({
    tcp: z
      .union([PortSchema, z.strictObject({ host: z.string().default('127.0.0.1'), port: z.union([PortSchema, z.string()]) })])
      .optional()
      .describe('Ready when this TCP port accepts a connection.'),
    log: z.string().min(1).optional().describe('Ready when a line of stdout/stderr matches this regular expression.'),
    http: z
      .string()
      .refine((u) => u.includes('{{') || URL.canParse(u), 'not a URL (e.g. http://127.0.0.1:8080/health)')
      .optional()
      .describe('Ready when this URL answers with any HTTP status; may use `{{...}}` templates (checked once expanded).'),
    delay_ms: z.number().int().min(0).max(MAX_TIMER_MS).optional().describe('Ready after a fixed delay (last resort).'),
    timeout_s: SecondsSchema.positive().default(10).describe('Deadline for readiness.'),
  })
  .refine((r) => [r.tcp, r.log, r.http, r.delay_ms].filter((v) => v !== undefined).length <= 1, {
    message: 'choose one readiness probe: tcp, log, http or delay_ms',
  });

export const StopSchema = z.strictObject({
  signal: SignalSchema.default('SIGTERM'),
  grace_s: z.number().min(0).max(600).default(5).describe('Time between the stop signal and SIGKILL of the process group.'),
});

export type Command = z.infer<typeof CommandSchema>;
export type RemoteSpec = z.infer<typeof RemoteSchema>;
export type ReadySpec = z.infer<typeof ReadySchema>;
