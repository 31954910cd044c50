import { z } from 'zod';

/** The roles whose CPU is accounted: every local process group of a run. */
export const CPU_ROLES = ['server', 'antagonist', 'client', 'observer', 'monitor'] as const;
export type CpuRole = (typeof CPU_ROLES)[number];

// One process group (its leader and every descendant) over the measurement window.
export const CpuGroupSchema = z
  .object({
    name: z.string(),
    role: z.enum(CPU_ROLES),
    host: z.string().describe('`local`: read from this node\'s /proc.'),
    root_pid: z.number().int(),
    pids_seen: z.number().int().describe('Processes of the tree seen at least once (the leader and its descendants).'),
    tasks_seen: z.number().int().describe('Threads seen at least once.'),
    tasks_exited: z.number().int().describe('Threads that were gone at a later read (their last value is kept, plus the estimated tail).'),
    cpu_ns: z.number().describe('On-CPU time in the window: Σ over threads of schedstat run time, interpolated at the window edges.'),
    cpu_pct: z.number().describe('cpu_ns ÷ window length × 100: share of one core (200 = two cores busy).'),
    exit_tail_ns: z.number().describe('Estimated CPU between the last read of an exited thread and its exit (its last rate × half the gap).'),
    reaped_correction_ns: z.number().describe('From the parents\' cutime + cstime of children reaped inside the window: + the CPU of children no poll saw, − the part of exited children\'s estimated tails their parent\'s count rules out (each only beyond the 20 ms resolution of the ticks).'),
    voluntary_switches: z.number().nullable(),
    involuntary_switches: z.number().nullable(),
  })
  .strict();

// The `cpu` section of run_result.json: CPU cost of each process group over the generator's measurement window.
export const CpuSectionSchema = z
  .object({
    method: z.literal('proc-schedstat-poll'),
    interval_ms: z.number().describe('Target interval of the schedstat poll.'),
    polls: z.number().int(),
    max_gap_ms: z.number().describe('Longest time between two polls (a busy harness polls late).'),
    window: z
      .object({
        start: z.string(),
        end: z.string(),
        duration_ms: z.number(),
        source: z.enum(['generator', 'load-phase']).describe('`generator`: the clients\' metrics (started_at + warmup_s … + duration_s); `load-phase`: load_start … load_end.'),
      })
      .strict(),
    completed: z.number().nullable().describe('Requests completed in the window (the clients\' `completed`), the divisor of *_per_req.'),
    groups: z.array(CpuGroupSchema),
    key_metrics: z.record(z.string(), z.number()).describe('The figures merged into key_metrics: server_cpu_us_per_req, server_cpu_pct, observer_cpu_pct, …'),
    warnings: z.array(z.string()),
  })
  .strict();

export type CpuGroup = z.infer<typeof CpuGroupSchema>;
export type CpuSection = z.infer<typeof CpuSectionSchema>;
