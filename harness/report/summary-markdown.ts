import path from 'node:path';
import type { SuiteReport } from './reporter.ts';
import type { GroupSummary } from './summary.ts';
import { precisionArm, precisionInterval, precisionIsPercent, precisionMetric, precisionUnit } from './precision-rows.ts';

const fmt = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : Number(x.toPrecision(digits)).toLocaleString('en-US'));
const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');

function metricCell(g: GroupSummary, m: string): string {
  const s = g.metrics[m];
  if (!s) return '–';
  return s.ci95 ? `${fmt(s.median)} [${fmt(s.ci95.low)}, ${fmt(s.ci95.high)}]` : fmt(s.median);
}

// Markdown for a job summary: totals, a table per workload × mode with medians and 95 % intervals,
// overhead and verdicts, failed runs with artifact paths. Cut to stay under `limitBytes`.
export function renderSummaryMarkdown(report: SuiteReport, opts: { omittedAnnotations?: { errors: number; warnings: number }; rootDir: string; limitBytes: number }): string {
  const s = report.summary;
  const out: string[] = [];
  const rel = (p: string): string => path.relative(opts.rootDir, p) || p;
  out.push(`## Suite \`${esc(s.suite)}\` — ${s.runs.passed}/${s.runs.total} runs passed${s.runs.failed ? `, **${s.runs.failed} failed**` : ''}`, '');
  out.push(`Descriptor: \`${esc(s.descriptor)}\` · summary: \`${esc(rel(report.summaryPath))}\``, '');
  if (report.interrupted) out.push('**The suite was interrupted before every run ended.**', '');
  for (const workload of [...new Set(s.groups.map((g) => g.workload))]) {
    out.push(`### ${esc(workload)}`, '', '| mode | variant | n | throughput rps (median [95% CI]) | p50 µs | p99 µs | server CPU µs/req | overhead (throughput) | overhead (CPU/req) ± half-width |', '|---|---|---|---|---|---|---|---|---|');
    for (const g of s.groups.filter((x) => x.workload === workload)) {
      const overheadOf = (metric: string): string => {
        const o = s.overhead.find((x) => x.workload === workload && x.variant === g.variant && x.mode === g.mode && x.metric === metric);
        const hw = typeof o?.half_width === 'number' ? ` ±${fmt(o.half_width)} pp` : '';
        if (o?.percent === null) return 'not measurable';
        return o ? `${fmt(o.percent)} %${o.ci95 ? ` [${fmt(o.ci95.low)}, ${fmt(o.ci95.high)}]` : ''}${hw}` : g.mode === 'baseline' ? '(baseline)' : '–';
      };
      out.push(`| ${esc(g.mode)} | ${esc(g.variant)} | ${g.passed}${g.failed ? ` (+${g.failed} failed)` : ''} | ${metricCell(g, 'throughput_rps')} | ${metricCell(g, 'p50_us')} | ${metricCell(g, 'p99_us')} | ${metricCell(g, 'server_cpu_us_per_req')} | ${overheadOf('throughput_rps')} | ${overheadOf('server_cpu_us_per_req')} |`);
    }
    out.push('');
    const recovery = (s.recovery ?? []).filter((r) => r.workload === workload);
    if (recovery.length) {
      out.push('Known-cost recovery (recovered = run with D − same repetition with D = 0):', '', '| mode | injected D µs | metric | recovered [95% CI] | ÷ D | interval covers D |', '|---|---|---|---|---|---|');
      for (const r of recovery) out.push(`| ${esc(r.mode)} | ${fmt(r.injected_us)} | ${r.metric} | ${fmt(r.delta)}${r.ci95 ? ` [${fmt(r.ci95.low)}, ${fmt(r.ci95.high)}]` : ''} | ${fmt(r.recovered_ratio * 100)} % | ${r.covers === null ? '–' : r.covers ? 'yes' : 'no'} |`);
      out.push('');
    }
    const precision = (s.precision ?? []).filter((r) => r.workload === workload);
    if (precision.length) {
      out.push('Precision (measured until every target was met or decided; anytime-valid intervals, docs/precision.md):', '', '| mode | variant | metric | estimate [interval] | half-width achieved / target | blocks | verdict | stopped by |', '|---|---|---|---|---|---|---|---|');
      for (const r of precision) {
        const estimate = precisionIsPercent(r) ? `${fmt(r.estimate)} %` : fmt(r.estimate);
        out.push(`| ${esc(precisionArm(r))} | ${esc(r.variant)} | ${esc(precisionMetric(r))} | ${estimate} ${precisionInterval(r)} | ±${r.achieved_half_width === null ? '∞' : fmt(r.achieved_half_width)} / ±${fmt(r.target)} ${precisionUnit(r)} | ${r.blocks} | ${esc(r.verdict_text ?? '–')} | ${r.stop_reason} |`);
      }
      out.push('');
    }
  }
  const failed = report.outcomes.filter((o) => o.state === 'failed' || o.state === 'error');
  if (failed.length) {
    out.push('### Failed runs', '');
    for (const o of failed) out.push(`- \`${esc(o.name)}\`: ${esc((o.error?.message ?? 'failed').split('\n')[0]!)}${o.artifactDir ? ` — artifacts \`${esc(rel(o.artifactDir))}\`` : ''}`);
    out.push('');
  }
  if (report.errors.length) out.push('### Errors outside any run', '', ...report.errors.map((e) => `- ${esc(e.message.split('\n')[0]!)}`), '');
  const warnings = [...s.warnings, ...s.groups.flatMap((g) => g.warnings.map((w) => `${g.workload}/${g.mode}/${g.variant}: ${w}`))];
  if (warnings.length) out.push('### Warnings', '', ...warnings.map((w) => `- ${esc(w)}`), '');
  const omitted = opts.omittedAnnotations;
  if (omitted && (omitted.errors || omitted.warnings)) out.push(`_${omitted.errors} more failed-run and ${omitted.warnings} more warning annotations were not emitted (GitHub shows at most 10 per severity)._`, '');
  return truncateToBytes(out.join('\n'), opts.limitBytes);
}

// Keep whole lines under the byte limit and say what was cut.
export function truncateToBytes(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text;
  const note = '\n\n_…summary truncated to stay under the GitHub step summary limit (1 MiB); see summary.json for everything._\n';
  const lines = text.split('\n');
  let size = Buffer.byteLength(note);
  const kept: string[] = [];
  for (const line of lines) {
    const n = Buffer.byteLength(line) + 1;
    if (size + n > limit) break;
    kept.push(line);
    size += n;
  }
  return kept.join('\n') + note;
}
