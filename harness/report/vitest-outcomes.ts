import path from 'node:path';
import type { TestCase, TestModule } from 'vitest/node';
import type { SuitePlan } from '../plan/build-plan.ts';
import { testFilePath } from '../compile/generate-test-file.ts';
import type { HarnessTaskMeta } from '../results/task-meta.ts';
import type { RunOutcome } from './run-outcome.ts';
import { readRunRecord, type RunRecord } from './run-records.ts';

/** What Vitest knows of one test, as plain data (so the conversion is testable without Vitest). */
export interface TestFacts {
  name: string;
  moduleId: string;
  meta: HarnessTaskMeta | undefined;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  errorMessage: string | undefined;
  note: string | undefined;
  todo: boolean;
  durationMs: number | undefined;
  /** The Vitest run ended because it was interrupted (Ctrl-C, a signal, bail). */
  interrupted: boolean;
}

export function isExperimentFile(moduleId: string, project = ''): boolean {
  return project === 'experiments' || moduleId.includes(`${path.sep}suites${path.sep}`);
}

// The generated file name: suites/<suite>/<workload>[.partN].test.ts.
function suiteOfFile(moduleId: string): { suite: string; workload: string } {
  const parts = moduleId.split(path.sep);
  return { suite: parts[parts.length - 2] ?? 'suite', workload: (parts[parts.length - 1] ?? '').replace(/(\.part\d+)?\.test\.ts$/, '') };
}

// One run's outcome from what Vitest saw, its task metadata and its run_result.json.
export function outcomeFromTest(t: TestFacts): RunOutcome {
  const file = suiteOfFile(t.moduleId);
  const [workload = file.workload, mode = '', variant = '', rep = '0'] = t.name.split('/');
  let record: RunRecord | null = null;
  if (t.meta?.artifactDir) {
    try {
      record = readRunRecord(t.meta.artifactDir);
    } catch {
      record = null;
    }
  }
  const status = record?.result.status;
  // A run skipped by --resume reports its earlier passed result; one the interruption cut short is an error.
  const state: RunOutcome['state'] =
    t.state === 'passed' || (t.meta?.resumed && status === 'passed') ? 'passed' : status === 'interrupted' || (t.interrupted && t.state !== 'skipped') ? 'error' : t.state === 'failed' ? 'failed' : 'skipped';
  const recorded = record?.result.error;
  const error =
    state === 'failed' || state === 'error'
      ? { message: t.errorMessage ?? recorded?.message ?? 'not run: the suite was interrupted', kind: recorded?.kind ?? (state === 'error' ? 'interrupted' : 'internal'), logTail: recorded?.log_tail ?? null }
      : null;
  return {
    name: t.name,
    suite: t.meta?.suite ?? file.suite,
    workload: t.meta?.workload ?? workload,
    mode: t.meta?.mode ?? mode,
    variant: t.meta?.variant ?? variant,
    params: t.meta?.params ?? {},
    repetition: t.meta?.repetition ?? Number(rep),
    runId: t.meta?.runId ?? null,
    state,
    durationMs: t.durationMs ?? record?.result.duration_ms ?? 0,
    error,
    skipReason: state === 'skipped' ? (t.note ?? (t.todo ? 'todo' : 'skipped (filtered out or .skip)')) : null,
    descriptor: t.meta?.descriptor ?? `experiments/configs/experiments/${file.suite}.yaml`,
    descriptorLine: t.meta?.descriptorLine ?? 0,
    artifactDir: t.meta?.artifactDir ?? null,
    record,
  };
}

export function outcomeFromTestCase(tc: TestCase, interrupted = false): RunOutcome {
  const result = tc.result();
  return outcomeFromTest({
    name: tc.name,
    moduleId: tc.module.moduleId,
    meta: tc.meta().harness,
    state: result.state,
    errorMessage: result.errors?.[0]?.message,
    note: (result as { note?: string }).note,
    todo: tc.options.mode === 'todo',
    durationMs: tc.diagnostic()?.duration,
    interrupted,
  });
}

// The runs of a generated file that failed to load (a syntax error, a stale file, a broken
// descriptor): each planned run of its chunk is an error with the load error; if the plan cannot say
// which runs the file holds, the file itself stands for them.
export function outcomesOfFailedFile(rootDir: string, moduleId: string, message: string, planOf: (suite: string) => SuitePlan): RunOutcome[] {
  const { suite, workload } = suiteOfFile(moduleId);
  const descriptor = `experiments/configs/experiments/${suite}.yaml`;
  const base = { suite, descriptor, descriptorLine: 0, params: {}, runId: null, durationMs: 0, skipReason: null, artifactDir: null, record: null };
  const error = { message: `${path.relative(rootDir, moduleId)} failed to load: ${message}`, kind: 'config' as const, logTail: null };
  try {
    const plan = planOf(suite);
    for (const w of plan.workloads) {
      const chunk = w.chunks.find((c) => testFilePath(rootDir, plan.name, w.name, c) === moduleId);
      if (chunk) return chunk.runs.map((r) => ({ ...base, name: r.name, workload: r.workload, mode: r.mode, variant: r.variant.label, params: r.variant.params, repetition: r.repetition, runId: r.id, state: 'error', error }));
    }
  } catch {
    // the descriptor itself is broken: the file stands for its runs
  }
  return [{ ...base, name: path.relative(rootDir, moduleId), workload, mode: '', variant: '', repetition: 0, state: 'error', error }];
}

// Every run of a finished Vitest run: tests of loaded files, and the planned runs of files that did not load.
export function outcomesOfModules(rootDir: string, modules: ReadonlyArray<TestModule>, interrupted: boolean, planOf: (suite: string) => SuitePlan): RunOutcome[] {
  return modules.flatMap((m) => {
    if (!isExperimentFile(m.moduleId, m.project.name)) return [];
    const tests = [...m.children.allTests()];
    if (tests.length === 0 && m.state() === 'failed') return outcomesOfFailedFile(rootDir, m.moduleId, m.errors()[0]?.message ?? 'unknown error', planOf);
    return tests.map((tc) => outcomeFromTestCase(tc, interrupted));
  });
}
