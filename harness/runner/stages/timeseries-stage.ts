import { PrometheusScraper } from '../../instrumentation/prometheus-scraper.ts';
import type { TimeSeriesSection } from '../../results/timeseries-schema.ts';
import type { RunContext, RunStage, StageReport } from '../stage.ts';
import type { PrepareStage } from './prepare-stage.ts';

/**
 * Time series over the measurement window: the observer's Prometheus endpoint and the configured
 * extra endpoints, scraped every interval into OpenMetrics dumps under prometheus/. Placed right
 * before the load stage, so it starts just before the clients and stops just after they end.
 */
export class TimeSeriesStage implements RunStage {
  readonly name = 'time series';
  private scraper: PrometheusScraper | undefined;
  private section: TimeSeriesSection | null = null;

  constructor(
    private readonly ctx: RunContext,
    private readonly prepare: PrepareStage,
  ) {}

  async start(): Promise<void> {
    const { intervalMs, endpoints } = this.prepare.commands.scrapes;
    if (endpoints.length === 0) return;
    this.scraper = new PrometheusScraper({ endpoints, intervalMs, artifactDir: this.ctx.artifactDir });
    this.scraper.start();
  }

  async stop(): Promise<void> {
    const scraper = this.scraper;
    this.scraper = undefined;
    if (scraper) this.section = await scraper.stop();
  }

  report(): StageReport {
    return { sections: { timeseries: this.section } };
  }
}
