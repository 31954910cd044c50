import { rmSync } from 'node:fs';
import path from 'node:path';
import { reportPaths, type ReportSettings } from './report-paths.ts';

// Experiment files ran but produced no run (every generated file stale or failing to load): the
// suite's previous reports would still look current, so they are removed. Returns what was removed.
export function removeStaleReports(settings: ReportSettings, moduleIds: readonly string[]): string[] {
  const suites = [...new Set(moduleIds.filter((id) => id.includes(`${path.sep}suites${path.sep}`)).map((id) => path.basename(path.dirname(id))))];
  if (suites.length === 0) return [];
  const removed: string[] = [];
  for (const suite of suites) {
    const paths = reportPaths(settings, suite, suites.length > 1);
    for (const f of [paths.junit, paths.summary, paths.html]) {
      try {
        rmSync(f);
        removed.push(f);
      } catch {} // not there
    }
  }
  if (removed.length > 0) process.stderr.write(`harness: no run of ${suites.join(', ')} produced a result; removed the previous reports so they do not look current: ${removed.join(', ')}\n`);
  return removed;
}
