import { findProjectRoot } from '../config/project-root.ts';
import { planSuite, type SuitePlan } from '../plan/build-plan.ts';
import { SUITE_EXECUTION_ENV } from '../results/suite-execution.ts';
import { SESSION_ENV, sessionFromEnv, sessionToEnv } from './handover.ts';
import { resolveSession } from './resolve-session.ts';
import type { HarnessSession } from './session.ts';

/** A Vitest process's session, and the suite plans it has built (each suite planned once per process). */
export interface ProcessSession {
  session: HarnessSession;
  /** This process resolved the session (plain `npx vitest run suites/x`) rather than receiving it. */
  resolvedHere: boolean;
}

// The one piece of state per Vitest process besides the process registry: its session, decoded or
// resolved once, and its plans. Vitest's experiment project runs every generated file in one worker
// (isolate: false), so a suite is planned once per process, not once per file.
let current: State | undefined;

interface State extends ProcessSession {
  plans: Map<string, SuitePlan>;
}

// The session of this Vitest process: the one `harness run` handed over (HARNESS_SESSION), or — under
// plain Vitest — resolved from the environment by the first entry point that asks (the global setup
// or the reporter) and put into HARNESS_SESSION, so the workers Vitest starts next receive the same.
export function vitestSession(env: NodeJS.ProcessEnv = process.env): ProcessSession {
  return processState(env);
}

function processState(env: NodeJS.ProcessEnv = process.env): State {
  if (current) return current;
  const handed = sessionFromEnv(env);
  const session =
    handed ??
    resolveSession(findProjectRoot(process.cwd(), env.HARNESS_ROOT), { ...(env[SUITE_EXECUTION_ENV] ? { executionId: env[SUITE_EXECUTION_ENV] } : {}) }, env);
  if (!handed) Object.assign(env, sessionToEnv(session));
  current = { session, resolvedHere: !handed, plans: new Map() };
  return current;
}

// The plan of one suite in this process's session (command-line overrides applied), built once.
// A descriptor that does not plan throws its ConfigError each time it is asked (nothing is cached).
export function sessionPlan(suite: string): SuitePlan {
  const state = processState();
  let plan = state.plans.get(suite);
  if (!plan) {
    const { session } = state;
    plan = planSuite(suite, { rootDir: session.rootDir, overrides: session.overrides, maxRuns: session.maxRuns });
    state.plans.set(suite, plan);
  }
  return plan;
}

export { SESSION_ENV };
