// Prometheus text exposition in, OpenMetrics with timestamps out: the form
// `promtool tsdb create-blocks-from openmetrics` backfills, and ingest reads back.

/** One sample line of an exposition: `name{labels} value`. */
export interface ExpositionSample {
  /** Metric family (from `# TYPE`, else the sample name). */
  family: string;
  name: string;
  /** Raw label block without braces, '' when none: `pid="1",le="0.5"`. */
  labels: string;
  /** The value token as written (`12`, `NaN`, `+Inf`). */
  value: string;
}

export interface ExpositionFamily {
  name: string;
  type: string;
  help: string;
}

// End of the label block: the `}` outside quotes (label values may hold `}` and escaped quotes).
function labelEnd(line: string, open: number): number {
  let quoted = false;
  for (let i = open + 1; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '}') return i;
  }
  return -1;
}

// Parse Prometheus text (or OpenMetrics) into families and samples; a sample's own timestamp is kept apart.
export function parseExposition(text: string): { families: Map<string, ExpositionFamily>; samples: (ExpositionSample & { timestamp?: string })[] } {
  const families = new Map<string, ExpositionFamily>();
  const samples: (ExpositionSample & { timestamp?: string })[] = [];
  let current: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(TYPE|HELP)\s+(\S+)\s*(.*)$/.exec(line);
      if (!m) continue;
      const fam = families.get(m[2]!) ?? { name: m[2]!, type: 'untyped', help: '' };
      if (m[1] === 'TYPE') {
        fam.type = m[3]!.trim().toLowerCase() || 'untyped';
        current = fam.name;
      } else fam.help = m[3]!;
      families.set(fam.name, fam);
      continue;
    }
    const brace = line.indexOf('{');
    const space = line.search(/\s/);
    let name: string;
    let labels = '';
    let rest: string;
    if (brace >= 0 && (space < 0 || brace < space)) {
      const end = labelEnd(line, brace);
      if (end < 0) continue;
      name = line.slice(0, brace);
      labels = line.slice(brace + 1, end).replace(/,\s*$/, '');
      rest = line.slice(end + 1).trim();
    } else {
      if (space < 0) continue;
      name = line.slice(0, space);
      rest = line.slice(space).trim();
    }
    const [value, timestamp] = rest.split(/\s+/);
    if (!value) continue;
    const family = current !== undefined && belongsTo(name, current) ? current : name;
    samples.push({ family, name, labels, value, ...(timestamp ? { timestamp } : {}) });
  }
  return { families, samples };
}

const SUFFIXES = ['', '_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];
const belongsTo = (sample: string, family: string): boolean => SUFFIXES.some((s) => sample === family + s) || family === sample.replace(/_total$/, '');

// Labels of a raw label block as an object (escapes undone).
export function parseLabels(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;
  for (const m of block.matchAll(re)) out[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return out;
}

/** One scrape: when it was taken (epoch ms) and what it returned. */
export interface Scrape {
  atMs: number;
  text: string;
}

// OpenMetrics family name and type for a Prometheus family: counters must end in _total in
// OpenMetrics, so a counter named otherwise, and untyped families, become `unknown`.
function openMetricsFamily(fam: ExpositionFamily): { name: string; type: string } {
  switch (fam.type) {
    case 'counter':
      return fam.name.endsWith('_total') ? { name: fam.name.slice(0, -'_total'.length), type: 'counter' } : { name: fam.name, type: 'unknown' };
    case 'gauge':
    case 'histogram':
    case 'summary':
    case 'info':
    case 'stateset':
    case 'gaugehistogram':
      return { name: fam.name, type: fam.type };
    default:
      return { name: fam.name, type: 'unknown' };
  }
}

// Prometheus HELP escapes `\\` and `\n` (kept); OpenMetrics also escapes `"`.
const escapeHelp = (h: string): string => h.replace(/\\.|"/g, (m) => (m === '"' ? '\\"' : m));

// Scrapes of one endpoint as one OpenMetrics document: each family once, its samples in time order.
export function toOpenMetrics(scrapes: readonly Scrape[]): { text: string; series: number; samples: number } {
  const families = new Map<string, ExpositionFamily>();
  // family → scrape time → sample lines (one metric point set per timestamp, histograms kept whole).
  const points = new Map<string, Map<number, string[]>>();
  const seen = new Set<string>();
  let samples = 0;
  for (const scrape of [...scrapes].sort((a, b) => a.atMs - b.atMs)) {
    const parsed = parseExposition(scrape.text);
    for (const [name, fam] of parsed.families) if (!families.has(name)) families.set(name, fam);
    const ts = (scrape.atMs / 1000).toFixed(3);
    const once = new Set<string>();
    for (const s of parsed.samples) {
      const series = `${s.name}{${s.labels}}`;
      if (once.has(series)) continue; // a duplicated line in one scrape would be an out-of-order sample
      once.add(series);
      seen.add(series);
      const fam = families.get(s.family) ?? { name: s.family, type: 'untyped', help: '' };
      families.set(fam.name, fam);
      const byTime = points.get(fam.name) ?? new Map<number, string[]>();
      const lines = byTime.get(scrape.atMs) ?? [];
      lines.push(`${s.name}${s.labels ? `{${s.labels}}` : ''} ${s.value} ${ts}`);
      byTime.set(scrape.atMs, lines);
      points.set(fam.name, byTime);
      samples++;
    }
  }
  const out: string[] = [];
  for (const [name, byTime] of points) {
    const fam = families.get(name)!;
    const om = openMetricsFamily(fam);
    out.push(`# TYPE ${om.name} ${om.type}`);
    if (fam.help) out.push(`# HELP ${om.name} ${escapeHelp(fam.help)}`);
    for (const lines of byTime.values()) out.push(...lines);
  }
  out.push('# EOF');
  return { text: `${out.join('\n')}\n`, series: seen.size, samples };
}
