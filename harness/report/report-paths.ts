import path from 'node:path';
import type { HarnessSession } from '../session/session.ts';
import { unsafeNameReason } from '../util/safe-name.ts';
import { isInside, UnsafeFileError } from '../util/safe-file.ts';

// Where a suite's reports go: a module of its own, light to import (the CLI checks the reports
// after a suite without loading the reporters).

export interface ReportPaths {
  reportsDir: string;
  junit: string;
  summary: string;
  html: string;
}

/** Where a suite's reports go and where it runs (the parts of a session the reporters need). */
export type ReportSettings = Pick<HarnessSession, 'rootDir' | 'reportsDir' | 'summary' | 'github'>;

// reports/junit.xml, reports/summary.json (or --summary), reports/index.html; per-suite folders when several ran.
export function reportPaths(settings: ReportSettings, suite: string, several: boolean): ReportPaths {
  const base = settings.reportsDir;
  // The suite name may come from an artifact (merge): it must stay one folder inside the reports root.
  if (several && (unsafeNameReason(suite) || !isInside(base, path.join(base, suite)))) throw new UnsafeFileError(path.join(base, suite), `suite name \`${suite}\` cannot name a reports folder`);
  const reportsDir = several ? path.join(base, suite) : base;
  const summary = settings.summary && !several ? settings.summary : path.join(reportsDir, 'summary.json');
  return { reportsDir, junit: path.join(reportsDir, 'junit.xml'), summary, html: path.join(reportsDir, 'index.html') };
}
