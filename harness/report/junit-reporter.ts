import path from 'node:path';
import junitModule, { type Builder } from 'junit-report-builder';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { HarnessReporter, SuiteReport } from './reporter.ts';
import type { RunOutcome } from './run-outcome.ts';

// The package is CommonJS: its default export arrives wrapped or not depending on the loader.
const junit = ((junitModule as unknown as { default?: Builder }).default ?? junitModule) as unknown as Builder;

const KEY_METRICS = ['throughput_rps', 'p50_us', 'p99_us', 'errors', 'server_cpu_us_per_req', 'server_cpu_pct', 'observer_cpu_pct', 'capacity_rps'];

// JUnit XML: a testsuite per suite × workload, a testcase per run with its properties.
export function buildJUnit(report: Pick<SuiteReport, 'suite' | 'outcomes'>, opts: { rootDir?: string } = {}): string {
  const builder = junit.newBuilder().name(report.suite);
  const byWorkload = new Map<string, RunOutcome[]>();
  for (const o of report.outcomes) byWorkload.set(o.workload, [...(byWorkload.get(o.workload) ?? []), o]);
  for (const [workload, outcomes] of byWorkload) {
    const suite = builder.testSuite().name(`${report.suite}.${workload}`);
    const first = outcomes[0]!;
    suite.property('descriptor', first.descriptor).timestamp(new Date());
    for (const o of outcomes) {
      const tc = suite.testCase().className(`${report.suite}.${workload}`).name(o.name).time(o.durationMs / 1000).file(o.descriptor);
      tc.property('run_id', o.runId ?? '').property('mode', o.mode).property('variant', o.variant).property('repetition', String(o.repetition));
      for (const [k, v] of Object.entries(o.params)) tc.property(`param.${k}`, String(v));
      const metrics = o.record?.result.key_metrics ?? {};
      for (const k of KEY_METRICS) if (typeof metrics[k] === 'number') tc.property(`metric.${k}`, String(Number(metrics[k]!.toPrecision(6))));
      if (o.artifactDir) tc.property('artifact_dir', opts.rootDir ? path.relative(opts.rootDir, o.artifactDir) : o.artifactDir);
      if (o.state === 'failed') {
        const headline = (o.error?.message ?? 'run failed').split('\n')[0]!;
        tc.failure(headline, 'RunFailed');
        tc.stacktrace([o.error?.message ?? '', o.error?.logTail ? `\n--- log tail ---\n${o.error.logTail}` : ''].join(''));
      } else if (o.state === 'skipped') {
        tc.skipped();
        tc.property('skip_reason', o.skipReason ?? 'skipped');
      }
    }
  }
  return builder.build();
}

/** Writes reports/junit.xml (HARNESS_JUNIT overrides the path). */
export class JUnitReporter implements HarnessReporter {
  readonly name = 'junit';
  constructor(private readonly rootDir: string) {}

  onSuiteEnd(report: SuiteReport): void {
    const file = process.env.HARNESS_JUNIT ? path.resolve(this.rootDir, process.env.HARNESS_JUNIT) : path.join(report.reportsDir, 'junit.xml');
    writeFileAtomic(file, buildJUnit(report, { rootDir: this.rootDir }));
  }
}
