/** Resolves with the first SIGTERM or SIGINT; install it before anything slow so an early signal is not lost. */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

// Never hang on shutdown: after `graceMs`, say so and exit 1 whatever is still open.
export function armShutdownDeadline(program: string, graceMs = 5000): void {
  setTimeout(() => {
    process.stderr.write(`${program}: shutdown took over ${graceMs} ms, exiting anyway\n`);
    process.exit(1);
  }, graceMs).unref();
}
