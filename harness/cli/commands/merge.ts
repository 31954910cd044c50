import { collectRunRecords, RunRecordError } from '../../report/run-records.ts';
import { outcomeFromRecord } from '../../report/run-outcome.ts';
import { createReporters, finishSuites } from '../../report/suite-reports.ts';
import type { CliIo } from '../main.ts';
import { UsageError } from '../errors.ts';

// `harness merge DIR…`: one JUnit, summary and HTML report from the run results of several shards.
export async function mergeCommand(rootDir: string, dirs: string[], opts: { summary?: string; reports?: string }, io: CliIo): Promise<number> {
  let records;
  try {
    records = collectRunRecords(dirs);
  } catch (err) {
    if (err instanceof RunRecordError) throw new UsageError(err.message);
    throw err;
  }
  if (records.length === 0) throw new UsageError(`no run_result.json under ${dirs.join(', ')}: pass the shards' artifact folders (or folders that hold them)`);
  // A run id seen twice (the same folder passed twice) counts once.
  const seen = new Set<string>();
  const unique = records.filter((r) => {
    const key = `${r.result.run.id}\0${r.result.started_at}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (opts.reports) process.env.HARNESS_REPORTS_DIR = opts.reports;
  const options = opts.summary ? { summary: opts.summary } : {};
  const outcomes = unique.map((r) => outcomeFromRecord(r)).sort((a, b) => a.name.localeCompare(b.name));
  const mux = createReporters(rootDir, options, [], { progress: false });
  const reports = await finishSuites(mux, outcomes, { rootDir, options, startedAt: new Date() });
  for (const r of reports) io.stdout.write(`merged ${r.outcomes.length} runs of ${r.suite} (${r.summary.runs.passed} passed, ${r.summary.runs.failed} failed) → ${r.reportsDir}\n`);
  return reports.some((r) => r.summary.runs.failed > 0) ? 1 : 0;
}
