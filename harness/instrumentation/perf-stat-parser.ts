/** One counter of `perf stat -x ,` output. */
export interface PerfStatValue {
  event: string;
  /** null when the event is not supported or not counted on this machine. */
  value: number | null;
  unit: string;
  supported: boolean;
  counted: boolean;
  /** Share of the run time the counter was enabled (multiplexing), in percent. */
  enabled_pct: number | null;
  /** perf's derived metric, e.g. "CPUs utilized". */
  metric: { value: number; unit: string } | null;
  /** With `-I`: the interval's end time in seconds since perf started. */
  interval_s?: number;
  /** With `-r`: relative standard deviation in percent. */
  variance_pct?: number;
}

const num = (s: string | undefined): number | null => {
  if (s === undefined || s.trim() === '') return null;
  const n = Number(s.replace('%', ''));
  return Number.isFinite(n) ? n : null;
};

// Parse `perf stat -x ,` CSV (optionally with -I intervals); `<not supported>` is recorded, never fatal.
export function parsePerfStatCsv(text: string, { interval = false } = {}): PerfStatValue[] {
  const out: PerfStatValue[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(',');
    const interval_s = interval ? num(fields.shift()) : null;
    // value, unit, event, run-time, enabled %, metric value, metric unit — or with -r: value, unit, event, variance%, …
    const [value, unit = '', event, ...rest] = fields;
    if (!event) continue;
    let variance_pct: number | null = null;
    if (rest[0]?.endsWith('%')) variance_pct = num(rest.shift());
    const [, enabled, metricValue, metricUnit] = rest;
    const supported = value !== '<not supported>';
    const counted = supported && value !== '<not counted>';
    const metricNum = num(metricValue);
    out.push({
      event,
      value: counted ? num(value) : null,
      unit,
      supported,
      counted,
      enabled_pct: num(enabled),
      metric: metricNum !== null && metricUnit ? { value: metricNum, unit: metricUnit } : null,
      ...(interval_s !== null ? { interval_s } : {}),
      ...(variance_pct !== null ? { variance_pct } : {}),
    });
  }
  return out;
}
