import { readFileSync } from 'node:fs';
import path from 'node:path';
import { testFilePath } from '../compile/generate-test-file.ts';
import type { SuitePlan } from '../plan/build-plan.ts';

/** What one Vitest invocation will run: every suite whose generated files it selected, and how many runs. */
export interface PlannedRuns {
  suites: string[];
  totalRuns: number;
}

// `<root>/suites/<suite>/<file>.test.ts` → the suite's name; anything else is not a generated file.
export function suiteOfFile(rootDir: string, file: string): string | null {
  const parts = path.relative(rootDir, file).split(path.sep);
  return parts.length === 3 && parts[0] === 'suites' && parts[2]!.endsWith('.test.ts') ? parts[1]! : null;
}

/**
 * Count the runs of the selected generated files from each suite's plan, so progress and ETA cover
 * the whole invocation (all files, all suites) however it was started. A file the plan does not
 * know (stale: it refuses to run) or a suite that fails to plan counts its `run(` lines instead.
 */
export function plannedRuns(rootDir: string, files: readonly string[], planOf: (suite: string) => SuitePlan): PlannedRuns {
  const bySuite = new Map<string, string[]>();
  for (const file of files) {
    const suite = suiteOfFile(rootDir, file);
    if (suite) bySuite.set(suite, [...(bySuite.get(suite) ?? []), file]);
  }
  let totalRuns = 0;
  for (const [suite, selected] of bySuite) {
    const perFile = new Map<string, number>();
    try {
      const plan = planOf(suite);
      for (const w of plan.workloads) for (const c of w.chunks) perFile.set(testFilePath(rootDir, plan.name, w.name, c), c.runs.length);
    } catch {
      // A descriptor that does not plan fails its files with its own message; count what they declare.
    }
    for (const file of selected) totalRuns += perFile.get(file) ?? countDeclaredRuns(file);
  }
  return { suites: [...bySuite.keys()].sort(), totalRuns };
}

// The `run("…")` lines of a generated file.
function countDeclaredRuns(file: string): number {
  try {
    return readFileSync(file, 'utf8').match(/^run\(/gm)?.length ?? 0;
  } catch {
    return 0;
  }
}
