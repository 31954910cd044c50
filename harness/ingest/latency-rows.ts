import type { RunRecord } from '../results/artifact-store.ts';
import { decodeHistogram } from './hdr.ts';
import type { Row } from './rows.ts';

type HistogramField = { encoding?: string; unit?: string; data?: string };

// Each client's HDR histogram: the encoding as written, and its decoded buckets for SQL and pandas.
export function latencyRows(record: RunRecord, id: string, warn: (w: string) => void): { latency_histograms: Row[]; latency_buckets: Row[] } {
  const histograms: Row[] = [];
  const buckets: Row[] = [];
  for (const c of record.result.commands) {
    const m = c.metrics as { histogram?: HistogramField; latency_us?: { max?: number } } | null | undefined;
    const h = m?.histogram;
    if (c.role !== 'client' || !h?.data) continue;
    if (h.encoding !== 'hdr-base64') {
      warn(`client ${c.name}: histogram encoding ${h.encoding ?? '(none)'} is not hdr-base64; not ingested`);
      continue;
    }
    let decoded;
    try {
      decoded = decodeHistogram(h.data);
    } catch (err) {
      warn(`client ${c.name}: histogram does not decode (${(err as Error).message}); not ingested`);
      continue;
    }
    histograms.push({ execution_id: id, client: c.name, unit: h.unit ?? 'us', encoding: h.encoding, data: h.data, total_count: decoded.totalCount, max_value: exactMax(m?.latency_us?.max) ?? decoded.maxValue });
    for (const b of decoded.buckets) buckets.push({ execution_id: id, client: c.name, value: b.value, count: b.count });
  }
  return { latency_histograms: histograms, latency_buckets: buckets };
}

// The generator's exact maximum: buckets only know the maximum to within their width.
function exactMax(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
