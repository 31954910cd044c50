import { defineConfig } from 'vitest/config';
import { experimentProject } from './vitest-settings.ts';

// Config `harness run` hands to Vitest: only the experiment suites, strictly one run at a time.
export default defineConfig({ test: experimentProject });
