import { describe, expect, it } from 'vitest';
import { ReporterMultiplexer, type HarnessReporter, type SuiteReport } from '../../harness/report/reporter.ts';
import { outcomeFromRecord } from '../../harness/report/run-outcome.ts';
import { fakeRecord } from '../helpers/run-records.ts';

const outcome = outcomeFromRecord(fakeRecord({ mode: 'baseline', repetition: 0, metrics: { throughput_rps: 1 } }));
const report = { suite: 'overhead', outcomes: [outcome] } as unknown as SuiteReport;

// A reporter that records the hooks it saw.
function recording(name: string, seen: string[]): HarnessReporter {
  return {
    name,
    onSuiteStart: (i) => void seen.push(`${name}:start:${i.totalRuns}`),
    onRunEnd: (o) => void seen.push(`${name}:run:${o.name}`),
    onSuiteEnd: async () => void seen.push(`${name}:end`),
  };
}

describe('ReporterMultiplexer', () => {
  it('calls every reporter\'s hooks in order, skipping hooks a reporter does not have', async () => {
    const seen: string[] = [];
    const mux = new ReporterMultiplexer([recording('a', seen), { name: 'none' }, recording('b', seen)], () => undefined);
    mux.onSuiteStart({ suite: 'overhead', totalRuns: 3 });
    mux.onRunEnd(outcome);
    await mux.onSuiteEnd(report);
    expect(seen).toEqual(['a:start:3', 'b:start:3', 'a:run:kv/baseline/default/0', 'b:run:kv/baseline/default/0', 'a:end', 'b:end']);
  });

  it('isolates a reporter that throws or rejects: the others still run, the failure is logged and kept', async () => {
    const seen: string[] = [];
    const log: string[] = [];
    const throwing: HarnessReporter = {
      name: 'thrower',
      onRunEnd: () => {
        throw new Error('sync boom');
      },
      onSuiteEnd: () => Promise.reject(new Error('async boom')),
    };
    const mux = new ReporterMultiplexer([throwing, recording('ok', seen)], (l) => void log.push(l));
    mux.onRunEnd(outcome);
    await mux.onSuiteEnd(report);
    expect(seen).toEqual(['ok:run:kv/baseline/default/0', 'ok:end']);
    expect(mux.failures.map((f) => [f.reporter, f.hook, f.error.message])).toEqual([
      ['thrower', 'onRunEnd', 'sync boom'],
      ['thrower', 'onSuiteEnd', 'async boom'],
    ]);
    expect(log).toEqual(['warning: the thrower reporter failed in onRunEnd: sync boom', 'warning: the thrower reporter failed in onSuiteEnd: async boom']);
  });

  it('waits for every asynchronous onSuiteEnd before resolving', async () => {
    let done = false;
    const slow: HarnessReporter = { name: 'slow', onSuiteEnd: () => new Promise<void>((r) => setTimeout(() => ((done = true), r()), 20)) };
    await new ReporterMultiplexer([slow], () => undefined).onSuiteEnd(report);
    expect(done).toBe(true);
  });
});
