import path from 'node:path';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { PACKAGE_ROOT } from '../config/project-root.ts';

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
  globalSetup: [path.join(PACKAGE_ROOT, 'harness/fixtures/global-setup.ts')],
};
