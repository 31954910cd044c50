import type { HarnessReporter } from './reporter.ts';
import type { RunOutcome } from './run-outcome.ts';

// "3m 05s" style durations for ETAs.
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * One line per finished run: which run, how many are left, and an ETA from the mean run time.
 * `onSuiteStart` comes once per Vitest invocation with the planned total of all its suites.
 */
export class ProgressReporter implements HarnessReporter {
  readonly name = 'progress';
  private total = 0;
  private done = 0;
  private failed = 0;
  private started = Date.now();
  private readonly precisionStops = new Set<string>();

  constructor(private readonly write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {}

  onSuiteStart(info: { suite: string; totalRuns: number }): void {
    this.total = info.totalRuns;
    this.done = 0;
    this.failed = 0;
    this.started = Date.now();
    this.write(`[harness] ${info.suite}: ${info.totalRuns} runs`);
  }

  onRunEnd(o: RunOutcome): void {
    if (o.state === 'skipped') {
      this.total = Math.max(0, this.total - 1);
      // Blocks the precision stop rule no longer needs: said once per workload × variant, with why; an
      // arm it settled (stop_arms: each) once per workload × mode × variant.
      const series = o.skipReason?.includes('(stop_arms: each)') ? `${o.workload}/${o.mode}/${o.variant}` : `${o.workload}/${o.variant}`;
      if (o.skipReason?.startsWith('precision: ') && !this.precisionStops.has(series)) {
        this.precisionStops.add(series);
        this.write(`[harness] skip ${o.name}: ${o.skipReason}, nor any later block of ${series}`);
      }
      return;
    }
    this.done += 1;
    // A run nobody planned (a file added while Vitest watched) grows the total instead of reading 13/3.
    this.total = Math.max(this.total, this.done);
    if (o.state === 'failed' || o.state === 'error') this.failed += 1;
    const elapsed = Date.now() - this.started;
    const left = Math.max(0, this.total - this.done);
    const eta = this.done > 0 ? (elapsed / this.done) * left : 0;
    const failed = this.failed ? `, ${this.failed} failed` : '';
    // A run measured again after a disturbance (validity.disturbed_retries) says which attempt is its result.
    const attempt = o.record?.result.run.attempt ?? 1;
    const again = attempt > 1 ? `, attempt ${attempt}: measured again after a disturbance` : '';
    this.write(`[harness] ${this.done}/${this.total} ${o.state === 'passed' ? 'ok  ' : o.state === 'error' ? 'ERR ' : 'FAIL'} ${o.name} (${formatDuration(o.durationMs)}${again})${failed}; ${left} left, ETA ${formatDuration(eta)}`);
  }
}
