import { existsSync, readdirSync, rmSync } from 'node:fs';
import { assertInside, isRegularFile, readTextBounded, writeFileSafe } from '../util/safe-file.ts';
import path from 'node:path';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { displayPath } from '../config/project-root.ts';
import { listSuites } from '../config/load-suite.ts';
import { planSuite, type SuitePlan } from '../plan/build-plan.ts';
import { GENERATED_MARKER, generateTestFile, testFilePath } from './generate-test-file.ts';
import { suiteNameClashes } from './suite-names.ts';

export interface CompiledFile {
  file: string;
  status: 'unchanged' | 'written' | 'stale' | 'removed' | 'orphan';
  runs: number;
}

export interface CompileOptions {
  rootDir: string;
  /** Report stale files instead of writing them. */
  check?: boolean;
}

// Compile one suite's descriptor into suites/<suite>/<workload>.test.ts files.
export function compileSuite(plan: SuitePlan, { rootDir, check = false }: CompileOptions): CompiledFile[] {
  const out: CompiledFile[] = [];
  const expected = new Set<string>();
  for (const workload of plan.workloads) for (const chunk of workload.chunks) {
    const file = testFilePath(rootDir, plan.name, workload.name, chunk);
    // Names are checked at load; this is the last line of defence: generated files stay in suites/.
    assertInside(path.join(rootDir, 'suites'), file, 'generated test file');
    expected.add(file);
    const text = generateTestFile(plan, workload, chunk, file);
    const current = isRegularFile(file) ? readTextBounded(file, { what: 'generated test file' }) : undefined;
    const runs = chunk.runs.length;
    if (current === text) out.push({ file, status: 'unchanged', runs });
    else if (check) out.push({ file, status: 'stale', runs });
    else {
      writeFileSafe(file, text, { root: path.join(rootDir, 'suites'), createParents: true, what: 'generated test file' });
      out.push({ file, status: 'written', runs });
    }
  }
  // Generated files of workloads that left the descriptor would otherwise still run.
  const dir = path.join(rootDir, 'suites', plan.name);
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (!name.endsWith('.test.ts') || expected.has(file) || !isRegularFile(file)) continue;
      if (!readTextBounded(file, { what: 'generated test file' }).startsWith(GENERATED_MARKER)) continue;
      if (check) out.push({ file, status: 'orphan', runs: 0 });
      else {
        rmSync(file);
        out.push({ file, status: 'removed', runs: 0 });
      }
    }
  }
  return out;
}

// Compile every suite of the catalog (or the named ones).
// Every suite is planned first, so the problems of all descriptors are reported together.
// Names are checked against the whole catalog: a clash breaks `npx vitest run suites/<name>`.
export function compileAll(rootDir: string, suites: string[] = listSuites(rootDir), check = false, maxRuns?: number): CompiledFile[] {
  const plans: SuitePlan[] = [];
  const issues: ConfigIssue[] = suiteNameClashes(listSuites(rootDir));
  for (const suite of suites) {
    try {
      plans.push(planSuite(suite, { rootDir, ...(maxRuns ? { maxRuns } : {}) }));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return plans.flatMap((plan) => compileSuite(plan, { rootDir, check }));
}

// One line per file for the terminal.
export function formatCompileResult(files: CompiledFile[], rootDir: string): string {
  return files.map((f) => `${f.status.padEnd(9)} ${displayPath(f.file, rootDir)}${f.runs ? ` (${f.runs} runs)` : ''}`).join('\n');
}
