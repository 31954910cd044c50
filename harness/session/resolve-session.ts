import path from 'node:path';
import { DEFAULT_MAX_RUNS } from '../plan/resolve-config.ts';
import type { CommandLineOverrides } from '../plan/overrides.ts';
import { DEFAULT_ARTIFACTS_DIR } from '../results/artifact-dir.ts';
import { newSuiteExecutionId } from '../results/suite-execution.ts';
import { DEFAULT_WORKTREE_DIR } from '../mutations/worktree.ts';
import type { Shard } from '../compile/shard.ts';
import { HarnessSessionSchema, type HarnessSession } from './session.ts';
import { SessionError } from './session-error.ts';

/** What the command line said (already validated as flags by the CLI); all optional. */
export interface SessionFlags {
  overrides?: CommandLineOverrides;
  /** `--artifacts`, relative to the project root. */
  artifacts?: string;
  /** `--summary`, relative to the project root. */
  summary?: string;
  /** `--reports`, relative to the project root. */
  reports?: string;
  maxRuns?: number;
  resume?: boolean;
  shard?: Shard;
  /** Reuse this suite execution ID (an outer invocation's). @default a new one */
  executionId?: string;
}

/** The environment variables a session is resolved from (the only place the harness reads them). */
export const SESSION_ENV_VARS = ['HARNESS_ARTIFACTS_DIR', 'HARNESS_REPORTS_DIR', 'HARNESS_WORKTREE_DIR', 'HARNESS_CGROUP', 'GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'GITHUB_OUTPUT'] as const;

// Flags, then the environment, then defaults: one validated session for the whole invocation.
export function resolveSession(rootDir: string, flags: SessionFlags, env: NodeJS.ProcessEnv): HarnessSession {
  const root = path.resolve(rootDir);
  const cgroup = env.HARNESS_CGROUP;
  if (cgroup !== undefined && cgroup !== '' && !['auto', 'v2', 'v1', 'none'].includes(cgroup)) {
    throw new SessionError(`HARNESS_CGROUP must be auto, v2, v1 or none, got "${cgroup}"`);
  }
  const github = env.GITHUB_ACTIONS === 'true' || env.GITHUB_ACTIONS === '1';
  const candidate = {
    rootDir: root,
    artifactsRoot: path.resolve(root, flags.artifacts ?? (env.HARNESS_ARTIFACTS_DIR || DEFAULT_ARTIFACTS_DIR)),
    reportsDir: path.resolve(root, flags.reports ?? (env.HARNESS_REPORTS_DIR || 'reports')),
    ...(flags.summary !== undefined ? { summary: path.resolve(root, flags.summary) } : {}),
    executionId: flags.executionId ?? newSuiteExecutionId(),
    maxRuns: flags.maxRuns ?? DEFAULT_MAX_RUNS,
    overrides: flags.overrides ?? {},
    resume: flags.resume === true,
    ...(flags.shard ? { shard: flags.shard } : {}),
    worktreeDir: path.resolve(env.HARNESS_WORKTREE_DIR || DEFAULT_WORKTREE_DIR),
    containment: (cgroup || 'auto') as HarnessSession['containment'],
    github: github
      ? {
          ...(env.GITHUB_STEP_SUMMARY ? { stepSummary: path.resolve(env.GITHUB_STEP_SUMMARY) } : {}),
          ...(env.GITHUB_OUTPUT ? { output: path.resolve(env.GITHUB_OUTPUT) } : {}),
        }
      : null,
  };
  const parsed = HarnessSessionSchema.safeParse(candidate);
  if (!parsed.success) throw new SessionError(`invalid harness settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
