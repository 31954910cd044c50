import { loadHdrHistogram } from '../util/lazy-module.ts';

/** A decoded latency histogram: each recorded bucket's highest equivalent value and its count. */
export interface HistogramBuckets {
  buckets: { value: number; count: number }[];
  totalCount: number;
  maxValue: number;
}

// Decode an HdrHistogram compressed V2 base64 encoding (what the generators write) into buckets.
// A percentile is then the first bucket whose running count reaches ceil(p/100 × total), as
// HdrHistogram's getValueAtPercentile computes it, so any percentile can be recomputed and runs merged.
export function decodeHistogram(base64: string): HistogramBuckets {
  const h = loadHdrHistogram().decodeFromCompressedBase64(base64, 32, false);
  try {
    const buckets: { value: number; count: number }[] = [];
    const it = (h as unknown as { recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } } }).recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      buckets.push({ value: v.valueIteratedTo, count: v.countAtValueIteratedTo });
    }
    return { buckets, totalCount: h.totalCount, maxValue: h.maxValue };
  } finally {
    h.destroy();
  }
}

// The value at a percentile from decoded buckets (the same rule as HdrHistogram, capped at the max).
export function percentileFromBuckets(h: HistogramBuckets, percentile: number): number {
  if (h.totalCount === 0) return 0;
  const target = Math.max(Math.ceil((Math.min(percentile, 100) / 100) * h.totalCount - 1e-9), 1);
  let seen = 0;
  for (const b of h.buckets) {
    seen += b.count;
    if (seen >= target) return Math.min(b.value, h.maxValue);
  }
  return h.maxValue;
}
