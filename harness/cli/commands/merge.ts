import { statSync } from 'node:fs';
import path from 'node:path';
import { collectRunRecords, ArtifactReadError, lastAttempts } from '../../results/artifact-store.ts';
import { outcomeFromRecord } from '../../report/run-outcome.ts';
import { createReporters, finishSuites } from '../../report/suite-reports.ts';
import { unsafeNameReason } from '../../util/safe-name.ts';
import { checkOutputPath } from '../../util/safe-file.ts';
import type { CliIo } from '../main.ts';
import { UsageError } from '../errors.ts';
import { cliSession } from '../cli-session.ts';

// `--reports DIR` must be a folder (or a new one in an existing folder): never a file or a device.
function checkReportsDir(rootDir: string, value: string): string {
  const dir = path.resolve(rootDir, value);
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--reports ${value}: exists and is not a folder`);
    return dir;
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  try {
    if (!statSync(path.dirname(dir)).isDirectory()) throw new Error();
  } catch {
    throw new UsageError(`--reports ${value}: its parent folder ${path.dirname(dir)} does not exist`);
  }
  return dir;
}

// `harness merge DIR…`: one JUnit, summary and HTML report from the run results of several shards.
export async function mergeCommand(rootDir: string, dirs: string[], opts: { summary?: string; reports?: string }, io: CliIo): Promise<number> {
  // Output paths first: nothing is read or written when one of them is wrong.
  const reportsDir = opts.reports !== undefined ? checkReportsDir(rootDir, opts.reports) : undefined;
  if (opts.summary !== undefined) checkOutputPath(path.resolve(rootDir, opts.summary), { what: '--summary' });
  let records;
  try {
    records = collectRunRecords(dirs);
  } catch (err) {
    if (err instanceof ArtifactReadError) throw new UsageError(err.message);
    throw err;
  }
  if (records.length === 0) throw new UsageError(`no run_result.json under ${dirs.join(', ')}: pass the shards' artifact folders (or folders that hold them)`);
  // The suite name read back from an artifact becomes a folder under --reports: never trust it as a path.
  for (const r of records) {
    const reason = unsafeNameReason(r.result.run.suite);
    if (reason) throw new UsageError(`${path.join(r.dir, 'run_result.json')}: run.suite cannot name a reports folder: ${reason}`);
  }
  // A run id seen twice (the same folder passed twice) counts once.
  const seen = new Set<string>();
  const unique = records.filter((r) => {
    const key = `${r.result.run.id}\0${r.result.started_at}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const session = cliSession(rootDir, { ...(reportsDir ? { reports: reportsDir } : {}), ...(opts.summary !== undefined ? { summary: opts.summary } : {}) });
  // A run measured again (a disturbed attempt) counts by its last attempt.
  const outcomes = lastAttempts(unique).map((r) => outcomeFromRecord(r)).sort((a, b) => a.name.localeCompare(b.name));
  const mux = createReporters(session, [], { progress: false });
  const reports = await finishSuites(mux, outcomes, { settings: session, startedAt: new Date() });
  for (const r of reports) io.stdout.write(`merged ${r.outcomes.length} runs of ${r.suite} (${r.summary.runs.passed} passed, ${r.summary.runs.failed} failed) → ${r.reportsDir}\n`);
  return reports.some((r) => r.summary.runs.failed > 0) ? 1 : 0;
}
