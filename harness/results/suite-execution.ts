import { randomBytes } from 'node:crypto';
import { timestampForPath } from './artifact-dir.ts';

/**
 * The suite execution ID: one per `harness run` or Vitest invocation, shared by every run it
 * executes (in run_result.json and plan.json), so one ID selects a whole suite's data. It travels
 * in this environment variable from `harness run` (or Vitest's global setup) to the workers.
 */
export const SUITE_EXECUTION_ENV = 'HARNESS_SUITE_EXECUTION_ID';

// `20261129-102233-123-3f9a1c`: sorts by start time, unique across machines, safe in paths and SQL.
export function newSuiteExecutionId(date = new Date()): string {
  return `${timestampForPath(date)}-${randomBytes(3).toString('hex')}`;
}

// The ID of the invocation this process belongs to, if any.
export function currentSuiteExecutionId(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[SUITE_EXECUTION_ENV] || undefined;
}

/** Looks like an ID newSuiteExecutionId wrote (IDs arrive from flags and artifacts). */
export const SUITE_EXECUTION_ID_PATTERN = /^\d{8}-\d{6}-\d{3}-[0-9a-f]{6}$/;
