import { SUITE_EXECUTION_ENV } from '../results/suite-execution.ts';
import { resolveSession, type SessionFlags } from '../session/resolve-session.ts';
import type { HarnessSession } from '../session/session.ts';
import path from 'node:path';
import { checkOutputPath } from '../util/safe-file.ts';

// The CLI's edge: flags, then the environment, then defaults, resolved once into the session every
// layer below takes as a parameter. An outer invocation's suite execution ID is kept.
export function cliSession(rootDir: string, flags: SessionFlags, env: NodeJS.ProcessEnv = process.env): HarnessSession {
  const executionId = flags.executionId ?? (env[SUITE_EXECUTION_ENV] || undefined);
  return resolveSession(rootDir, { ...flags, ...(executionId ? { executionId } : {}) }, env);
}

// --summary must name a file the harness may write: never a device, FIFO or folder, and in a folder
// that exists — or in the artifacts root, which `harness run` creates before anything else.
export function checkSummaryFlag(session: HarnessSession): void {
  if (!session.summary) return;
  const parentIsArtifactsRoot = path.dirname(session.summary) === session.artifactsRoot;
  checkOutputPath(session.summary, { what: '--summary', ...(parentIsArtifactsRoot ? { createParents: true } : {}) });
}
