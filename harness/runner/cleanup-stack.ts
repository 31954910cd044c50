/** LIFO teardown: every step runs even if an earlier one failed; the errors are rethrown together. */
export class CleanupStack {
  private readonly steps: { label: string; fn: () => Promise<unknown> | unknown }[] = [];
  private disposing: Promise<void> | undefined;

  private get disposed(): boolean {
    return this.disposing !== undefined;
  }

  // After dispose() (e.g. the test timed out while the run was still starting things), a new step
  // runs at once, so nothing started late outlives the run.
  push(label: string, fn: () => Promise<unknown> | unknown): void {
    if (this.disposed) {
      void Promise.resolve()
        .then(fn)
        .catch(() => undefined);
      return;
    }
    this.steps.push({ label, fn });
  }

  get size(): number {
    return this.steps.length;
  }

  // Run every step in reverse order; throw the only error, or an AggregateError of all of them.
  // A second caller waits for the teardown in progress and sees its outcome: nobody goes on (to
  // write run_result.json, say) while a step is still stopping something.
  dispose(): Promise<void> {
    this.disposing ??= this.runSteps();
    return this.disposing;
  }

  private async runSteps(): Promise<void> {
    const errors: Error[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.fn();
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        errors.push(Object.assign(e, { message: `${step.label}: ${e.message}` }));
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `teardown failed in ${errors.length} steps:\n${errors.map((e) => `  - ${e.message.split('\n')[0]}`).join('\n')}`);
  }
}
