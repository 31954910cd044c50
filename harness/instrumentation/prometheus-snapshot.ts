import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';

export interface PrometheusSnapshot {
  url: string;
  taken_at: string;
  /** Raw exposition text is kept beside run_result.json (prometheus_snapshot.txt). */
  file: string;
  families: { name: string; type: string; help: string; samples: { labels: Record<string, string>; value: number | null; buckets?: Record<string, number>; quantiles?: Record<string, number>; count?: number; sum?: number }[] }[];
}

const toNum = (v: string | undefined): number | null => (v === undefined ? null : Number.isFinite(Number(v)) ? Number(v) : null);
const mapNums = (o: Record<string, string> | undefined): Record<string, number> | undefined =>
  o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number(v)])) : undefined;

// Parse Prometheus text exposition (through parse-prometheus-text-format) into plain JSON.
export function parsePrometheusText(text: string): PrometheusSnapshot['families'] {
  const families: PromFamily[] = parsePrometheusTextFormat(text);
  return families.map((f) => ({
    name: f.name,
    type: f.type.toLowerCase(),
    help: f.help,
    samples: f.metrics.map((m) => {
      const buckets = mapNums(m.buckets);
      const quantiles = mapNums(m.quantiles);
      const count = toNum(m.count);
      const sum = toNum(m.sum);
      return {
        labels: m.labels ?? {},
        value: toNum(m.value),
        ...(buckets ? { buckets } : {}),
        ...(quantiles ? { quantiles } : {}),
        ...(count !== null ? { count } : {}),
        ...(sum !== null ? { sum } : {}),
      };
    }),
  }));
}

// Fetch a metrics endpoint once (bounded by a timeout).
export async function fetchMetricsText(url: string, timeoutMs = 3000): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`metrics endpoint ${url} answered HTTP ${res.status}`);
  return res.text();
}
