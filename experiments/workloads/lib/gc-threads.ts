/**
 * Where this generator's garbage collections run. `single-threaded`: Node was started with
 * `--single-threaded-gc` (or `--single-threaded`), so V8 collects on the main thread alone; `parallel`:
 * V8's default, helper threads scavenge and mark beside the main thread, which then waits for them. On a
 * node with few cores those helpers compete with the generator and the server for a CPU, and the main
 * thread's sends wait for them (docs/measurement-floor.md "Where the send lag comes from"). V8 refuses to
 * change this once running, so it is a flag of the `node` command that starts the generator.
 */
export type GcThreads = 'single-threaded' | 'parallel';

export function gcThreads(execArgv: readonly string[] = process.execArgv): GcThreads {
  return execArgv.some((a) => a === '--single-threaded-gc' || a === '--single-threaded') ? 'single-threaded' : 'parallel';
}
