import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { PACKAGE_ROOT } from '../config/project-root.ts';
import { experimentProject } from './vitest-settings.ts';

// Config `harness run` hands to Vitest: only the experiment suites, strictly one run at a time,
// with the harness reporter (its path absolute, as the project root may be elsewhere).
export default defineConfig({
  test: { ...experimentProject, reporters: ['default', path.join(PACKAGE_ROOT, 'harness/report/vitest-reporter.ts')] },
});
