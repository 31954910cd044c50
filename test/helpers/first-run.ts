// The first run of a temp project's suite through RunSession, as `harness run` would start it.
import { planSuite } from '../../harness/plan/build-plan.ts';
import type { RunResult } from '../../harness/results/run-result-schema.ts';
import { RunSession } from '../../harness/runner/run-session.ts';
import type { TempProject } from './temp-project.ts';
import { testSession } from './session.ts';

/** A session for the first planned run of `suite` (not started). */
export function firstRunSession(project: TempProject, suite = 's'): RunSession {
  const plan = planSuite(suite, { rootDir: project.root });
  return new RunSession(plan.runs[0]!, { session: testSession(project.root), descriptor: plan.suite.displayFile });
}

/** Execute the first run of `suite` and dispose of its session, even when the run fails. */
export async function executeFirstRun(project: TempProject, suite = 's'): Promise<{ session: RunSession; result: RunResult }> {
  const session = firstRunSession(project, suite);
  try {
    return { session, result: await session.execute() };
  } finally {
    await session.dispose();
  }
}
