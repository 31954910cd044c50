import path from 'node:path';
import { z } from 'zod';
import { SUITE_EXECUTION_ID_PATTERN } from '../results/suite-execution.ts';

const absolute = z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path');

/** The command line's layer of the plan merge (plan/overrides.ts), as it travels in a session. */
export const CommandLineOverridesSchema = z.strictObject({
  perfFreq: z.number().int().min(1).max(1_000_000).optional(),
  agentBin: z.string().min(1).optional(),
  agentConfig: z.string().min(1).optional(),
  metricsPort: z.number().int().min(1).max(65_535).optional(),
});

/**
 * Everything a suite invocation decides once, at its edge — `harness run`, or the experiment
 * project's global setup under plain `npx vitest run suites/<suite>` — and hands to every layer
 * below as a parameter: no module below reads the environment for these.
 */
export const HarnessSessionSchema = z.strictObject({
  /** The project (where experiments/configs and suites/ are). */
  rootDir: absolute,
  /** Where run folders go (`--artifacts`, HARNESS_ARTIFACTS_DIR, else experiments/artifacts). */
  artifactsRoot: absolute,
  /** JUnit, summary and HTML reports (HARNESS_REPORTS_DIR, else reports/). */
  reportsDir: absolute,
  /** `--summary`: the summary file of a one-suite invocation. @default reportsDir/summary.json */
  summary: absolute.optional(),
  /** One ID for every run of the invocation (run_result.json, plan.json, notebook selection). */
  executionId: z.string().regex(SUITE_EXECUTION_ID_PATTERN),
  /** Largest number of runs a suite may plan (`--max-runs`). */
  maxRuns: z.number().int().min(1),
  /** The command line's layer of the plan merge. */
  overrides: CommandLineOverridesSchema,
  /** `--resume`: skip runs that already passed with the same id. */
  resume: z.boolean(),
  /** `--shard i/n`. */
  shard: z.strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) }).optional(),
  /** Where mutation worktrees go (HARNESS_WORKTREE_DIR, else <tmp>/harness-worktrees). */
  worktreeDir: absolute,
  /** How runs are contained (HARNESS_CGROUP forces v2, v1 or none; tests reach every path on one host). */
  containment: z.enum(['auto', 'v2', 'v1', 'none']),
  /** GitHub Actions' job summary and step output files, when the harness runs there. */
  github: z.strictObject({ stepSummary: absolute.optional(), output: absolute.optional() }).nullable(),
});

export type HarnessSession = z.infer<typeof HarnessSessionSchema>;
