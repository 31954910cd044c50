import type { TestProjectInlineConfiguration } from 'vitest/config';

type ProjectTest = NonNullable<TestProjectInlineConfiguration['test']>;

// Experiment suites never overlap: one worker, one file at a time, tests in order. Timeouts come
// per test from the plan; these are ceilings for hooks.
export const experimentProject: ProjectTest = {
  name: 'experiments',
  include: ['suites/**/*.test.ts'],
  pool: 'forks',
  fileParallelism: false,
  maxWorkers: 1,
  sequence: { concurrent: false, shuffle: false },
  testTimeout: 600_000,
  hookTimeout: 120_000,
};
