import path from 'node:path';
import type { Plugin } from 'vite';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { PACKAGE_ROOT } from '../config/project-root.ts';
import { entryFile } from '../../bin/runtime-bundle.js';

type ProjectTest = NonNullable<TestProjectInlineConfiguration['test']>;

// Experiment suites never overlap: one worker, one file at a time, tests in order. Timeouts come
// per test from the plan; these are ceilings for hooks. The files share that worker and its module
// graph (isolate: false): the harness is imported and each suite planned once per invocation, not
// once per file — a new worker per file cost ~1 s per run. Each run still gets a fresh RunSession,
// its own containment and processes; nothing of a run is module state.
const experimentTest: ProjectTest = {
  name: 'experiments',
  include: ['suites/**/*.test.ts'],
  pool: 'forks',
  isolate: false,
  fileParallelism: false,
  maxWorkers: 1,
  sequence: { concurrent: false, shuffle: false },
  testTimeout: 600_000,
  hookTimeout: 120_000,
};

const SUITE_FILE_SOURCE = path.join(PACKAGE_ROOT, 'harness', 'fixtures', 'suite-file.ts');

/**
 * The experiment project, running the harness from its cached bundle (bin/runtime-bundle.js): the
 * global setup, and the runtime the generated files import (their `harness/fixtures/suite-file.ts`
 * resolves to the bundle, which Vitest loads natively from node_modules/.cache). Without a bundle
 * (HARNESS_BUNDLE=0, or none could be built) both are the sources, as before.
 */
export async function experimentProject(): Promise<{ test: ProjectTest; plugins: Plugin[] }> {
  const suiteFile = await entryFile('suite-file');
  const plugins: Plugin[] =
    suiteFile === SUITE_FILE_SOURCE
      ? []
      : [
          {
            name: 'harness-runtime-bundle',
            enforce: 'pre',
            resolveId(id, importer) {
              if (importer === undefined || !id.endsWith('/fixtures/suite-file.ts')) return null;
              return path.resolve(path.dirname(importer.split('?')[0]!), id) === SUITE_FILE_SOURCE ? suiteFile : null;
            },
          },
        ];
  return { test: { ...experimentTest, globalSetup: [await entryFile('global-setup')] }, plugins };
}

/** The harness reporter for Vitest's `reporters` (bundled when the runtime bundle exists). */
export function harnessReporter(): Promise<string> {
  return entryFile('vitest-reporter');
}
