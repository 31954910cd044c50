// An HDR histogram (µs, the generators' encoding) from per-request latencies a tool wrote: its
// latency summary, CDF points and base64 encoding for generator-metrics JSON.
import { loadHdrHistogram } from '../../util/lazy-module.ts';
import type { GeneratorMetrics } from '../generator-metrics-schema.ts';

const CDF_PERCENTILES = [0, 1, 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9, 99.95, 99.99, 99.999, 100];
const HIGHEST_US = 3_600_000_000;

// Latency summary and histogram from (µs, count) pairs; null when there are none.
export function latencyFromSamples(samples: Iterable<readonly [valueUs: number, count: number]>): Pick<GeneratorMetrics, 'latency_us' | 'histogram'> | null {
  const h = loadHdrHistogram().build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, autoResize: false });
  try {
    for (const [v, c] of samples) if (c > 0) h.recordValueWithCount(Math.min(HIGHEST_US, Math.max(0, Math.round(v))), c);
    if (h.totalCount === 0) return null;
    // HdrHistogram reports a bucket's upper edge: never above the exact maximum.
    const at = (p: number): number => Math.min(h.getValueAtPercentile(p), h.maxValue);
    return {
      latency_us: { min: at(0), mean: Math.round(h.mean * 10) / 10, p50: at(50), p90: at(90), p95: at(95), p99: at(99), p999: at(99.9), max: h.maxValue },
      histogram: { encoding: 'hdr-base64', unit: 'us', data: loadHdrHistogram().encodeIntoCompressedBase64(h), percentiles: CDF_PERCENTILES.map((percentile) => ({ percentile, value_us: at(percentile) })) },
    };
  } finally {
    h.destroy();
  }
}
