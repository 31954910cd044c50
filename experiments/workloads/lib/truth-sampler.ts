import { SeededRandom } from './prng.ts';

export interface TruthSamplerOptions {
  /** Share of events considered for the log (seeded Bernoulli choice). @default 1 */
  sample?: number;
  /** Most events recorded; later sampled ones are only counted. */
  limit: number;
  /** @default 1 */
  seed?: number;
}

/** The counters every truth log ends with, so a reader knows how much the sample and the cap left out. */
export interface TruthCounts {
  /** Every event offered (all requests / packets). */
  events: number;
  sampled: number;
  recorded: number;
  dropped_over_limit: number;
  sample: number;
  limit: number;
}

/** Which events a truth log records: a seeded sample of them, then the first `limit` of the sample. */
export class TruthSampler {
  private readonly rng: SeededRandom;
  private readonly sample: number;
  events = 0;
  sampled = 0;
  recorded = 0;
  droppedOverLimit = 0;

  constructor(private readonly opts: TruthSamplerOptions) {
    this.sample = opts.sample ?? 1;
    this.rng = new SeededRandom(opts.seed ?? 1);
  }

  // Count one event; true when it is to be written to the log.
  offer(): boolean {
    this.events++;
    if (this.sample < 1 && !(this.rng.float() < this.sample)) return false;
    this.sampled++;
    if (this.recorded < this.opts.limit) {
      this.recorded++;
      return true;
    }
    this.droppedOverLimit++;
    return false;
  }

  counts(): TruthCounts {
    return {
      events: this.events,
      sampled: this.sampled,
      recorded: this.recorded,
      dropped_over_limit: this.droppedOverLimit,
      sample: this.sample,
      limit: this.opts.limit,
    };
  }
}
