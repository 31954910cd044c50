import type { RunOutcome } from './run-outcome.ts';
import type { SuiteSummary } from './summary.ts';

/** An error Vitest saw outside any run (an unhandled rejection, a crashed worker). */
export interface SuiteError {
  message: string;
}

/** Everything known at the end of a suite. */
export interface SuiteReport {
  suite: string;
  descriptor: string;
  outcomes: RunOutcome[];
  summary: SuiteSummary;
  /** Errors outside any run. */
  errors: SuiteError[];
  /** The suite was interrupted before every run ended. */
  interrupted: boolean;
  /** Where reports/ lives. */
  reportsDir: string;
  /** Where the summary JSON was written. */
  summaryPath: string;
  startedAt: Date;
  finishedAt: Date;
}

/** Harness reporters: optional hooks, one class per format (Playwright's reporter shape). */
export interface HarnessReporter {
  readonly name: string;
  onSuiteStart?(info: { suite: string; totalRuns: number }): void;
  onRunEnd?(outcome: RunOutcome): void;
  onSuiteEnd?(report: SuiteReport): void | Promise<void>;
}

/** Calls every reporter; one that throws is reported and skipped, never takes the others down. */
export class ReporterMultiplexer implements HarnessReporter {
  readonly name = 'multiplexer';
  readonly failures: { reporter: string; hook: string; error: Error }[] = [];

  constructor(
    readonly reporters: readonly HarnessReporter[],
    private readonly log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  ) {}

  private call<K extends keyof HarnessReporter>(hook: K, fn: (r: HarnessReporter) => unknown): Promise<void> {
    const pending: Promise<unknown>[] = [];
    for (const r of this.reporters) {
      try {
        const out = fn(r);
        if (out instanceof Promise) pending.push(out.catch((err: unknown) => this.fail(r, hook, err)));
      } catch (err) {
        this.fail(r, hook, err);
      }
    }
    return Promise.all(pending).then(() => undefined);
  }

  private fail(r: HarnessReporter, hook: string, err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.failures.push({ reporter: r.name, hook, error });
    this.log(`warning: the ${r.name} reporter failed in ${hook}: ${error.message}`);
  }

  onSuiteStart(info: { suite: string; totalRuns: number }): void {
    void this.call('onSuiteStart', (r) => r.onSuiteStart?.(info));
  }

  onRunEnd(outcome: RunOutcome): void {
    void this.call('onRunEnd', (r) => r.onRunEnd?.(outcome));
  }

  onSuiteEnd(report: SuiteReport): Promise<void> {
    return this.call('onSuiteEnd', (r) => r.onSuiteEnd?.(report));
  }
}
