import { defineConfig } from 'vitest/config';
import { experimentProject, harnessReporter } from './harness/runner/vitest-settings.ts';
import { SuiteFileSequencer } from './harness/runner/suite-file-sequencer.ts';

// Two projects: the harness's own tests run in parallel; experiment suites (generated files
// under suites/) run strictly one run at a time, because runs on a testbed must never overlap.
export default defineConfig(async () => {
  const experiments = await experimentProject();
  return {
    test: {
      // The harness reporter acts on experiment runs only (progress, JUnit, summary, HTML, GitHub).
      reporters: ['default', await harnessReporter(), './harness/report/plain-summary-reporter.ts'],
      // Generated suite files run in name order, which is their execution order.
      sequence: { sequencer: SuiteFileSequencer },
      projects: [
        {
          test: {
            name: 'harness',
            include: ['test/**/*.test.ts'],
            // Only a hang should hit these: on a loaded machine the end-to-end tests' real processes (node +
            // tsx start-up, Vitest inside `harness run`) take several times their idle duration.
            testTimeout: 180_000,
            hookTimeout: 180_000,
          },
        },
        {
          // The doc-test (npm run test:docs): README's and docs/'s commands, one at a time, alone.
          test: { name: 'docs', include: ['test/docs/**/*.doctest.ts'], fileParallelism: false, testTimeout: 600_000, hookTimeout: 600_000 },
        },
        // Experiment suites run the harness from its cached bundle (bin/runtime-bundle.js).
        { plugins: experiments.plugins, test: experiments.test },
      ],
    },
  };
});
