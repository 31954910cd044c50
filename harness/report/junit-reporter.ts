import path from 'node:path';
import junitModule, { type Builder } from 'junit-report-builder';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { HarnessReporter, SuiteReport } from './reporter.ts';
import type { RunOutcome } from './run-outcome.ts';

// The package is CommonJS: its default export arrives wrapped or not depending on the loader.
const junit = ((junitModule as unknown as { default?: Builder }).default ?? junitModule) as unknown as Builder;

const KEY_METRICS = ['throughput_rps', 'p50_us', 'p99_us', 'send_lag_p99_us', 'errors', 'server_cpu_us_per_req', 'server_cpu_pct', 'observer_cpu_pct', 'capacity_rps'];

// JUnit XML: a testsuite per suite × workload, a testcase per run with its properties; a run that
// could not run (its file failed to load, an interruption) and every error outside the runs are <error>s.
export function buildJUnit(report: Pick<SuiteReport, 'suite' | 'outcomes'> & Partial<Pick<SuiteReport, 'errors' | 'interrupted'>>, opts: { rootDir?: string } = {}): string {
  const builder = junit.newBuilder().name(report.suite);
  const byWorkload = new Map<string, RunOutcome[]>();
  for (const o of report.outcomes) byWorkload.set(o.workload, [...(byWorkload.get(o.workload) ?? []), o]);
  for (const [workload, outcomes] of byWorkload) {
    const suite = builder.testSuite().name(`${report.suite}.${workload}`);
    const first = outcomes[0]!;
    suite.property('descriptor', first.descriptor).timestamp(new Date());
    if (report.interrupted) suite.property('interrupted', 'true');
    for (const o of outcomes) {
      const tc = suite.testCase().className(`${report.suite}.${workload}`).name(o.name).time(o.durationMs / 1000).file(o.descriptor);
      tc.property('run_id', o.runId ?? '').property('mode', o.mode).property('variant', o.variant).property('repetition', String(o.repetition));
      for (const [k, v] of Object.entries(o.params)) tc.property(`param.${k}`, String(v));
      const metrics = o.record?.result.key_metrics ?? {};
      for (const k of KEY_METRICS) if (typeof metrics[k] === 'number') tc.property(`metric.${k}`, String(Number(metrics[k]!.toPrecision(6))));
      if (o.artifactDir) tc.property('artifact_dir', opts.rootDir ? path.relative(opts.rootDir, o.artifactDir) : o.artifactDir);
      if (o.state === 'failed' || o.state === 'error') {
        const headline = (o.error?.message ?? `run ${o.state}`).split('\n')[0]!;
        const details = [o.error?.message ?? '', o.error?.logTail ? `\n--- log tail ---\n${o.error.logTail}` : ''].join('');
        tc.property('failure_kind', o.error?.kind ?? 'internal');
        // (the builder's stacktrace() would also count an <error> as a failure)
        if (o.state === 'failed') tc.failure(headline, o.error?.kind ?? 'internal').stacktrace(details);
        else tc.error(headline, o.error?.kind ?? 'internal', details);
      } else if (o.state === 'skipped') {
        tc.skipped();
        tc.property('skip_reason', o.skipReason ?? 'skipped');
      }
    }
  }
  if (report.errors?.length) {
    const suite = builder.testSuite().name(`${report.suite}.(errors)`);
    report.errors.forEach((e, i) => suite.testCase().className(`${report.suite}.(errors)`).name(`error ${i + 1} outside any run`).error(e.message.split('\n')[0]!, 'unhandled', e.message));
  }
  return builder.build();
}

/** Writes junit.xml into the suite's reports folder (`--reports`). */
export class JUnitReporter implements HarnessReporter {
  readonly name = 'junit';
  constructor(private readonly rootDir: string) {}

  onSuiteEnd(report: SuiteReport): void {
    writeFileAtomic(path.join(report.reportsDir, 'junit.xml'), buildJUnit(report, { rootDir: this.rootDir }));
  }
}
