import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { HarnessSession } from '../session/session.ts';
import { lastAttempts, readRunRecord, type RunRecord } from '../results/artifact-store.ts';
import { reportPaths } from '../report/report-paths.ts';

function modifiedSince(file: string, since: number): boolean {
  try {
    return statSync(file).mtimeMs >= since;
  } catch {
    return false;
  }
}

// After a suite: if Vitest did not write this suite's reports (interrupted, or no generated file
// loaded), write them from the run results of this session, so old reports never look current.
// Returns a note for the user, or null when Vitest's reports are fresh.
export async function ensureSessionReports(ctx: { session: HarnessSession; suite: string; startedAt: Date; interrupted: boolean }): Promise<string | null> {
  const { session } = ctx;
  const paths = reportPaths(session, ctx.suite, false);
  if (!ctx.interrupted && modifiedSince(paths.junit, ctx.startedAt.getTime())) return null;
  // A run measured again (a disturbed attempt) counts by its last attempt.
  const records = lastAttempts(sessionRecords(session.artifactsRoot, session.executionId).filter((r) => r.result.run.suite === ctx.suite));
  if (records.length === 0) {
    for (const f of [paths.junit, paths.summary, paths.html]) rmSync(f, { force: true });
    return `no run of ${ctx.suite} recorded a result: removed the previous reports in ${paths.reportsDir} so they do not look current`;
  }
  // The reporters load only here: most suites end with Vitest's reports fresh, and importing the
  // report stack (JUnit, HTML, statistics) would cost every `harness run` ~0.3 s.
  const [{ outcomeFromRecord }, { createReporters, finishSuites }] = await Promise.all([import('../report/run-outcome.ts'), import('../report/suite-reports.ts')]);
  const outcomes = records.map((r) => outcomeFromRecord(r)).sort((a, b) => a.name.localeCompare(b.name));
  const mux = createReporters(session, [], { progress: false });
  await finishSuites(mux, outcomes, { settings: session, startedAt: ctx.startedAt });
  return `reports of the ${records.length} run(s) that recorded a result written to ${paths.reportsDir}`;
}

// The runs of one session under an artifacts root; a folder that does not parse (another session's,
// cut short) is skipped rather than hiding this session's runs.
function sessionRecords(root: string, sessionId: string): RunRecord[] {
  let names: string[];
  try {
    names = readdirSync(root).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      const r = readRunRecord(path.join(root, name));
      return (r.result.run.suite_execution_id ?? r.result.run.session_id) === sessionId ? [r] : [];
    } catch {
      return [];
    }
  });
}
