import { z } from 'zod';

// The `timeseries` section of run_result.json: what was scraped during the measurement window.
export const ScrapedEndpointSchema = z.strictObject({
  name: z.string(),
  url: z.string(),
  file: z.string().nullable().describe('OpenMetrics dump with timestamps, relative to the artifact folder (null when nothing was scraped).'),
  scrapes: z.number().int().describe('Scrapes that answered.'),
  failures: z.number().int(),
  first_error: z.string().nullable(),
  series: z.number().int(),
  samples: z.number().int(),
  first_at: z.string().nullable(),
  last_at: z.string().nullable(),
});

export const TimeSeriesSectionSchema = z.strictObject({
  interval_ms: z.number().int(),
  started_at: z.string(),
  stopped_at: z.string(),
  endpoints: z.array(ScrapedEndpointSchema),
});

export type ScrapedEndpoint = z.infer<typeof ScrapedEndpointSchema>;
export type TimeSeriesSection = z.infer<typeof TimeSeriesSectionSchema>;
