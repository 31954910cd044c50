import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScrapeEndpoint } from '../plan/run-types.ts';
import type { ScrapedEndpoint, TimeSeriesSection } from '../results/timeseries-schema.ts';
import { fetchMetricsText } from './prometheus-snapshot.ts';
import { toOpenMetrics, type Scrape } from './openmetrics.ts';

export interface PrometheusScraperOptions {
  endpoints: readonly ScrapeEndpoint[];
  /** @default 1000 */
  intervalMs?: number;
  /** Dumps go to `<artifactDir>/prometheus/<name>.om.txt`. */
  artifactDir: string;
  /** Timeout of one scrape (a slow scrape delays the next, never overlaps it). @default 3000 */
  timeoutMs?: number;
}

interface EndpointState {
  endpoint: ScrapeEndpoint;
  scrapes: Scrape[];
  failures: number;
  firstError: string | null;
}

/**
 * Scrapes Prometheus endpoints at a fixed interval during the measurement window and keeps every
 * scrape, so a run has time series and not only a final snapshot. Plain class: start(), stop()
 * returns the run_result.json `timeseries` section after writing one OpenMetrics dump per endpoint.
 */
export class PrometheusScraper {
  private readonly states: EndpointState[];
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private startedAt: Date | undefined;
  private stopped = false;

  constructor(private readonly opts: PrometheusScraperOptions) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.states = opts.endpoints.map((endpoint) => ({ endpoint, scrapes: [], failures: 0, firstError: null }));
  }

  // First scrape now, then every interval; a slow endpoint delays its own next scrape, never overlaps it.
  start(): void {
    if (this.startedAt || this.states.length === 0) return;
    this.startedAt = new Date();
    const tick = (): void => {
      const began = Date.now();
      this.inFlight = this.scrapeAll().then(() => {
        if (!this.stopped) this.timer = setTimeout(tick, Math.max(0, this.intervalMs - (Date.now() - began)));
      });
    };
    tick();
  }

  // One last scrape (the window's end), then the dumps; returns the section (null if never started).
  async stop(): Promise<TimeSeriesSection | null> {
    if (!this.startedAt || this.stopped) return null;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
    await this.scrapeAll();
    const dir = path.join(this.opts.artifactDir, 'prometheus');
    mkdirSync(dir, { recursive: true });
    return {
      interval_ms: this.intervalMs,
      started_at: this.startedAt.toISOString(),
      stopped_at: new Date().toISOString(),
      endpoints: this.states.map((s) => this.dump(s, dir)),
    };
  }

  private async scrapeAll(): Promise<void> {
    await Promise.all(this.states.map((s) => this.scrapeOne(s)));
  }

  private async scrapeOne(state: EndpointState): Promise<void> {
    const atMs = Date.now();
    try {
      state.scrapes.push({ atMs, text: await fetchMetricsText(state.endpoint.url, this.timeoutMs) });
    } catch (err) {
      state.failures++;
      state.firstError ??= `${new Date(atMs).toISOString()}: ${(err as Error).message}`;
    }
  }

  private dump(state: EndpointState, dir: string): ScrapedEndpoint {
    const base = { name: state.endpoint.name, url: state.endpoint.url, scrapes: state.scrapes.length, failures: state.failures, first_error: state.firstError };
    if (state.scrapes.length === 0) return { ...base, file: null, series: 0, samples: 0, first_at: null, last_at: null };
    const om = toOpenMetrics(state.scrapes);
    const file = path.join('prometheus', `${state.endpoint.name}.om.txt`);
    writeFileSync(path.join(dir, `${state.endpoint.name}.om.txt`), om.text);
    const iso = (ms: number): string => new Date(ms).toISOString();
    return { ...base, file, series: om.series, samples: om.samples, first_at: iso(state.scrapes[0]!.atMs), last_at: iso(state.scrapes.at(-1)!.atMs) };
  }
}
