import path from 'node:path';
import type { RunResult } from '../results/run-result-schema.ts';
import { RunFailedError } from './run-failure.ts';
import type { RunSession } from './run-session.ts';

export interface AttemptOptions {
  /** validity.disturbed_retries: how many more measurements a disturbed run gets. */
  retries: number;
  /** The test's timeout: an attempt is only started when the last one's duration fits in what is left, with a margin. */
  timeoutMs: number;
  /** When the test started (ms since the epoch). @default when the first attempt starts */
  startedAt?: number;
  now?: () => number;
}

/** A new attempt needs this many times the last attempt's duration left in the test's timeout. */
const TIME_MARGIN = 1.5;

/**
 * The measurements of one run: the first attempt, and more when only a disturbance of the host made
 * it invalid (never steady, a transient in the window, a saturated generator: InvalidRunError.disturbed),
 * up to `validity.disturbed_retries` more — as ReBench's `retries_after_failure` does. Every attempt
 * keeps its own artifact folder and run_result.json (`run.attempt`); the last one is the result, and
 * its warnings name the attempts before it. Any other failure (an unmet expectation, too many errors,
 * a crash) is the result at once: measuring again would hide it.
 * Plain class; the Vitest fixture creates it and disposes it, which stops whichever attempt is running.
 */
export class RunAttempts {
  private readonly sessions: RunSession[] = [];
  private disposed = false;

  constructor(
    /** A fresh session for attempt `n` (1, 2, …): its own artifact folder. */
    private readonly create: (attempt: number) => RunSession,
    /** Told of each new attempt (the fixture points the test's artifact folder at it). */
    private readonly onAttempt: (session: RunSession) => void = () => {},
  ) {
    this.sessions.push(create(1));
  }

  /** The attempt measuring now (the first until a disturbed one is measured again). */
  get current(): RunSession {
    return this.sessions[this.sessions.length - 1]!;
  }

  async measure(opts: AttemptOptions): Promise<RunResult> {
    const now = opts.now ?? Date.now;
    const startedAt = opts.startedAt ?? now();
    const earlier: string[] = [];
    for (let attempt = 1; ; attempt++) {
      const began = now();
      try {
        return await this.current.execute();
      } catch (err) {
        if (this.disposed || !(err instanceof RunFailedError) || !err.disturbed || attempt > opts.retries) throw err;
        const tookMs = now() - began;
        const leftMs = opts.timeoutMs - (now() - startedAt);
        if (leftMs < TIME_MARGIN * tookMs) {
          throw new RunFailedError(
            `${err.message}\n(not measured again: attempt ${attempt} took ${Math.round(tookMs / 1000)} s and the test's timeout leaves ${Math.max(0, Math.round(leftMs / 1000))} s; raise the workload's timeout_s)`,
            err.info,
            err.artifactDir,
            true,
          );
        }
        earlier.push(`attempt ${attempt} (${path.basename(err.artifactDir)}): ${err.info.message}`);
      }
      const next = this.create(attempt + 1);
      this.sessions.push(next);
      next.warn(`measured again (attempt ${attempt + 1} of at most ${opts.retries + 1}): a disturbance made the attempt before invalid; ${earlier.join('; ')}`);
      this.onAttempt(next);
    }
  }

  // Stop every attempt (idempotent): whatever still runs is stopped and its result written.
  async dispose(): Promise<void> {
    this.disposed = true;
    const errors: unknown[] = [];
    for (const s of [...this.sessions].reverse()) {
      try {
        await s.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} attempts failed to stop`);
  }
}
