import { defineConfig } from 'vitest/config';
import { experimentProject, harnessReporter } from './vitest-settings.ts';
import { SuiteFileSequencer } from './suite-file-sequencer.ts';

// Config `harness run` hands to Vitest: only the experiment suites, strictly one run at a time,
// with the harness reporter (its path absolute, as the project root may be elsewhere), files in
// execution order.
export default defineConfig(async () => {
  const experiments = await experimentProject();
  return {
    plugins: experiments.plugins,
    test: {
      ...experiments.test,
      sequence: { ...experiments.test.sequence, sequencer: SuiteFileSequencer },
      reporters: ['default', await harnessReporter()],
    },
  };
});
