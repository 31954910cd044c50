import { defineConfig } from 'vitest/config';

// Two projects: the harness's own tests run in parallel; experiment suites
// (generated files under suites/) run strictly one run at a time, because runs
// on a testbed must never overlap.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'harness',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'experiments',
          include: ['suites/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { concurrent: false, shuffle: false },
          globalSetup: ['harness/fixtures/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
