import path from 'node:path';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { PACKAGE_ROOT } from '../config/project-root.ts';

type ProjectTest = NonNullable<TestProjectInlineConfiguration['test']>;

// Experiment suites never overlap: one worker, one file at a time, tests in order. Timeouts come
// per test from the plan; these are ceilings for hooks. The files share that worker and its module
// graph (isolate: false): the harness is imported and each suite planned once per invocation, not
// once per file — a new worker per file cost ~1 s per run. Each run still gets a fresh RunSession,
// its own containment and processes; nothing of a run is module state.
export const experimentProject: ProjectTest = {
  name: 'experiments',
  include: ['suites/**/*.test.ts'],
  pool: 'forks',
  isolate: false,
  fileParallelism: false,
  maxWorkers: 1,
  sequence: { concurrent: false, shuffle: false },
  testTimeout: 600_000,
  hookTimeout: 120_000,
  globalSetup: [path.join(PACKAGE_ROOT, 'harness/fixtures/global-setup.ts')],
};
