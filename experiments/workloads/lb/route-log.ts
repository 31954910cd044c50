import { createEpochClockUs } from '../lib/busy-wait.ts';
import { JsonLinesFile } from '../lib/json-lines-file.ts';
import { TruthSampler } from '../lib/truth-sampler.ts';
import type { PolicyName } from './policies.ts';

/** What the balancer counted over every request (not only the sampled ones). */
export interface BalancerStats {
  perBackend: readonly number[];
  upstreamErrors: number;
}

/** One sampled routing decision. */
export interface RouteRecord {
  type: 'route';
  /** 1-based ordinal of the request among all requests the balancer routed. */
  seq: number;
  /** Wall-clock epoch microseconds of the decision. */
  t_us: number;
  method: string;
  path: string;
  /** The key the policy saw (consistent-hash: the hashed key). */
  key: string;
  backend: string;
  backend_index: number;
  /** Requests already in flight to the chosen backend when it was chosen (what least-conn compared). */
  in_flight: number;
}

/** The last line of the log: what the sample and the cap left out, and where every request went. */
export interface RouteSummary {
  type: 'summary';
  policy: PolicyName;
  requests: number;
  sampled: number;
  recorded: number;
  dropped_over_limit: number;
  sample: number;
  limit: number;
  /** All requests per backend (not only the sampled ones). */
  per_backend: Record<string, number>;
  /** Requests answered 502/504 because the backend failed or timed out. */
  upstream_errors: number;
}

export interface RouteLogOptions {
  file: string;
  policy: PolicyName;
  backends: readonly string[];
  /** @default 1 */
  sample?: number;
  limit: number;
  seed?: number;
}

/** The balancer's truth log: a seeded sample of routing decisions (JSON Lines) up to a limit, then a summary. */
export class RouteLog {
  private readonly sampler: TruthSampler;
  private readonly out: JsonLinesFile;
  private readonly clockUs = createEpochClockUs();

  constructor(private readonly opts: RouteLogOptions) {
    this.sampler = new TruthSampler({ sample: opts.sample ?? 1, limit: opts.limit, seed: opts.seed ?? 1 });
    this.out = new JsonLinesFile(opts.file, (err) => process.stderr.write(`lb balancer: truth log write failed: ${err.message}\n`));
  }

  // Count one routed request; write it if it is sampled and under the limit.
  onRoute(method: string, path: string, key: string, backendIndex: number, inFlight: number): void {
    if (!this.sampler.offer()) return;
    const rec: RouteRecord = {
      type: 'route',
      seq: this.sampler.events,
      t_us: this.clockUs(),
      method,
      path,
      key,
      backend: this.opts.backends[backendIndex]!,
      backend_index: backendIndex,
      in_flight: inFlight,
    };
    this.out.write(rec);
  }

  // The summary line; the balancer passes its own counts of every request per backend and of failures.
  summary(stats: BalancerStats): RouteSummary {
    const c = this.sampler.counts();
    return {
      type: 'summary',
      policy: this.opts.policy,
      requests: c.events,
      sampled: c.sampled,
      recorded: c.recorded,
      dropped_over_limit: c.dropped_over_limit,
      sample: c.sample,
      limit: c.limit,
      per_backend: Object.fromEntries(this.opts.backends.map((b, i) => [b, stats.perBackend[i] ?? 0])),
      upstream_errors: stats.upstreamErrors,
    };
  }

  close(stats: BalancerStats): Promise<void> {
    return this.out.close(this.summary(stats));
  }
}
