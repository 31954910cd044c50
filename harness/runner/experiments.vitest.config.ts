import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { PACKAGE_ROOT } from '../config/project-root.ts';
import { experimentProject } from './vitest-settings.ts';
import { SuiteFileSequencer } from './suite-file-sequencer.ts';

// Config `harness run` hands to Vitest: only the experiment suites, strictly one run at a time,
// with the harness reporter (its path absolute, as the project root may be elsewhere), files in
// execution order.
export default defineConfig({
  test: {
    ...experimentProject,
    sequence: { ...experimentProject.sequence, sequencer: SuiteFileSequencer },
    reporters: ['default', path.join(PACKAGE_ROOT, 'harness/report/vitest-reporter.ts')],
  },
});
