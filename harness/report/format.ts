import path from 'node:path';
import { pathToFileURL } from 'node:url';

// A number for people: grouped integers from 1000 up, three significant digits below.
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

// "12,345 [12,001, 12,400]", or the median alone when there is no interval.
export function formatInterval(median: number | null | undefined, ci: { low: number; high: number } | null | undefined): string {
  return ci ? `${formatNumber(median)} [${formatNumber(ci.low)}, ${formatNumber(ci.high)}]` : formatNumber(median);
}

// A signed percentage: "+3.1 %", "−0.4 %".
export function formatPercent(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${x > 0 ? '+' : x < 0 ? '−' : ''}${formatNumber(Math.abs(x))} %`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${formatNumber(ms / 1000)} s`;
}

// First line of a message, for a table cell.
export function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0]!.trim();
}

/**
 * An href from the report to a file or folder: relative to `base` (the report's folder) so the
 * report and artifacts can move together, or an absolute file:// URL when no base is known.
 */
export function fileHref(target: string, base: string | undefined, opts: { folder?: boolean } = {}): string {
  const abs = path.resolve(target);
  const suffix = opts.folder ? '/' : '';
  if (base === undefined) return pathToFileURL(abs).href + suffix;
  const rel = path.relative(path.resolve(base), abs);
  if (rel === '') return `./${suffix}`;
  if (path.isAbsolute(rel)) return pathToFileURL(abs).href + suffix; // another drive on Windows
  return rel.split(path.sep).map(encodeURIComponent).join('/') + suffix;
}
