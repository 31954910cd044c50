import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

/** Latency figures in microseconds, the `latency_us` block of the metrics JSON. */
export interface LatencySummaryUs {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface PercentilePoint {
  percentile: number;
  value_us: number;
}

// Points for CDF plots: dense in the tail, where open-loop measurements are interesting.
export const CDF_PERCENTILES: readonly number[] = [
  0, 1, 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25, 99.5,
  99.75, 99.9, 99.95, 99.99, 99.999, 100,
];

export interface LatencyRecorderOptions {
  /** @default 1 (µs) */
  lowestUs?: number;
  /** Larger values are clamped to this and counted in `clamped`. @default 60_000_000 (60 s) */
  highestUs?: number;
  /** @default 3 */
  significantDigits?: 1 | 2 | 3 | 4 | 5;
}

/** An HdrHistogram of latencies in whole microseconds (1 µs .. 60 s, 3 significant digits by default). */
export class LatencyRecorder {
  private readonly histogram: Histogram;
  private readonly highestUs: number;
  /** Values above the histogram's range, recorded as its highest value. */
  clamped = 0;

  constructor(opts: LatencyRecorderOptions = {}) {
    this.highestUs = opts.highestUs ?? 60_000_000;
    this.histogram = build({
      lowestDiscernibleValue: opts.lowestUs ?? 1,
      highestTrackableValue: this.highestUs,
      numberOfSignificantValueDigits: opts.significantDigits ?? 3,
      autoResize: false,
    });
  }

  // Record one latency (µs); negative or NaN values are recorded as 0.
  record(us: number): void {
    let v = Number.isFinite(us) && us > 0 ? Math.round(us) : 0;
    if (v > this.highestUs) {
      v = this.highestUs;
      this.clamped++;
    }
    this.histogram.recordValue(v);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  // The value at a percentile, never above the exact maximum (HdrHistogram reports a bucket's upper edge).
  valueAt(percentile: number): number {
    if (this.count === 0) return 0;
    return Math.min(this.histogram.getValueAtPercentile(percentile), this.histogram.maxValue);
  }

  // min/mean/percentiles/max; all zeros when nothing was recorded.
  summary(): LatencySummaryUs {
    if (this.count === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
    const h = this.histogram;
    return {
      min: this.valueAt(0),
      mean: Math.round(h.mean * 10) / 10,
      p50: this.valueAt(50),
      p90: this.valueAt(90),
      p95: this.valueAt(95),
      p99: this.valueAt(99),
      p999: this.valueAt(99.9),
      max: h.maxValue,
    };
  }

  percentiles(points: readonly number[] = CDF_PERCENTILES): PercentilePoint[] {
    return points.map((percentile) => ({ percentile, value_us: this.valueAt(percentile) }));
  }

  // The compressed HdrHistogram encoding (base64), decodable by any HdrHistogram implementation.
  encode(): string {
    return encodeIntoCompressedBase64(this.histogram);
  }

  destroy(): void {
    this.histogram.destroy();
  }
}
