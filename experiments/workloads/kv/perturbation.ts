import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { SeededRandom } from '../lib/prng.ts';
import { createEpochClockUs, spinFor } from '../lib/busy-wait.ts';

export interface PerturbationOptions {
  /** Extra service time of a perturbed request, as busy work. @default 0 (no perturbation) */
  deltaUs: number;
  /** Perturb each keyed request with this probability (seeded). */
  fraction?: number;
  /** Perturb every Nth keyed request (N, 2N, …). Exclusive with `fraction`. */
  every?: number;
  seed: number;
  /** JSON Lines truth log of perturbed requests, plus a summary line on close. */
  truthFile?: string;
  /** Most perturbation lines written; later ones are counted in `dropped_over_limit`. @default 10000 */
  truthLimit?: number;
}

export interface PerturbationRecord {
  type: 'perturbation';
  /** Ordinal of the keyed request (1-based) among all keyed requests this server handled. */
  seq: number;
  cmd: string;
  key: string;
  delta_us: number;
  /** Wall-clock epoch microseconds when the perturbation started. */
  t_us: number;
}

export interface PerturbationSummary {
  type: 'summary';
  /** Keyed requests (GET, SET, DEL, EXISTS, INCR): the ones eligible for perturbation. */
  requests: number;
  perturbed: number;
  recorded: number;
  dropped_over_limit: number;
  delta_us: number;
}

/** Chooses which keyed requests get `deltaUs` of extra service time, spins, and logs the ground truth. */
export class Perturber {
  private readonly rng: SeededRandom;
  private readonly limit: number;
  private readonly clockUs = createEpochClockUs();
  private truth: WriteStream | undefined;
  requests = 0;
  perturbed = 0;
  recorded = 0;
  dropped = 0;

  constructor(private readonly opts: PerturbationOptions) {
    this.rng = new SeededRandom(opts.seed);
    this.limit = opts.truthLimit ?? 10_000;
    if (opts.truthFile) {
      mkdirSync(path.dirname(path.resolve(opts.truthFile)), { recursive: true });
      // Open synchronously so a bad path fails at start-up, not later as an unhandled stream error.
      const fd = openSync(opts.truthFile, 'w');
      this.truth = createWriteStream(opts.truthFile, { fd });
      this.truth.on('error', (err) => process.stderr.write(`kv server: truth log write failed: ${err.message}\n`));
    }
  }

  // Count one keyed request; if it is chosen, log it and burn deltaUs of CPU before it is served.
  onKeyedRequest(cmd: string, key: string): void {
    const seq = ++this.requests;
    if (!this.isChosen(seq)) return;
    this.perturbed++;
    const tUs = this.clockUs();
    if (this.truth && this.recorded < this.limit) {
      this.recorded++;
      const rec: PerturbationRecord = { type: 'perturbation', seq, cmd, key, delta_us: this.opts.deltaUs, t_us: tUs };
      this.truth.write(`${JSON.stringify(rec)}\n`);
    } else if (this.truth) {
      this.dropped++;
    }
    spinFor(this.opts.deltaUs);
  }

  summary(): PerturbationSummary {
    return {
      type: 'summary',
      requests: this.requests,
      perturbed: this.perturbed,
      recorded: this.recorded,
      dropped_over_limit: this.dropped,
      delta_us: this.opts.deltaUs,
    };
  }

  // Append the summary line and flush the truth log to disk.
  async close(): Promise<void> {
    const stream = this.truth;
    if (!stream) return;
    this.truth = undefined;
    await new Promise<void>((resolve) => {
      stream.once('error', () => resolve());
      stream.end(`${JSON.stringify(this.summary())}\n`, () => resolve());
    });
  }

  private isChosen(seq: number): boolean {
    if (this.opts.deltaUs <= 0) return false;
    if (this.opts.every !== undefined) return seq % this.opts.every === 0;
    return this.rng.float() < (this.opts.fraction ?? 0);
  }
}
