// The Vitest reporter loads its report stack (JUnit, summary, HTML, statistics) only for invocations
// that select experiment files: `npm test` and other runs of the harness's own tests never pay for it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import HarnessVitestReporter from '../../harness/report/vitest-reporter.ts';

const root = path.resolve('/project');
const specs = (...files: string[]): TestSpecification[] => files.map((f) => ({ moduleId: path.join(root, f) })) as unknown as TestSpecification[];
const stackOf = (r: HarnessVitestReporter): unknown => (r as unknown as { reportStack?: Promise<unknown> }).reportStack;

describe('harness Vitest reporter', () => {
  it('does not load the report stack when no experiment file is selected', () => {
    const r = new HarnessVitestReporter();
    r.onInit({ config: { root } } as unknown as Vitest);
    r.onTestRunStart(specs('test/stats/holm.test.ts', 'test/report/summary.test.ts'));
    expect(stackOf(r)).toBeUndefined();
  });

  it('starts loading it as soon as the selection holds one, before planning', async () => {
    const r = new HarnessVitestReporter();
    r.onInit({ config: { root } } as unknown as Vitest);
    try {
      r.onTestRunStart(specs('test/stats/holm.test.ts', 'suites/sanity/kv.test.ts'));
    } catch {
      // no session or suite under /project: planning fails after the load has started
    }
    expect(stackOf(r)).toBeInstanceOf(Promise);
    const stack = (await stackOf(r)) as { finishSuites?: unknown };
    expect(typeof stack.finishSuites).toBe('function');
  });
});
