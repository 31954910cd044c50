// The report's stylesheet, inlined: the page loads nothing.
export const REPORT_CSS = `
:root { --ink: #222; --muted: #666; --line: #ddd; --bad: #b3261e; --bad-bg: #fdecea; --ok: #1e7b34; --warn-bg: #fff6db; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #f6f7f9; }
header, main { max-width: 1480px; margin: 0 auto; padding: 16px 24px; }
header { background: #fff; border-bottom: 1px solid var(--line); max-width: none; }
header > * { max-width: 1432px; margin-left: auto; margin-right: auto; }
h1 { font-size: 22px; margin: 4px auto 8px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
dl.meta { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0 auto 8px; }
dl.meta div { display: flex; gap: 6px; } dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; font-weight: 600; }
.counts .failed, .bad { color: var(--bad); } .counts .passed, .good { color: var(--ok); }
nav a { margin-right: 12px; }
ul.warnings { margin: 4px 0; padding: 6px 6px 6px 26px; background: var(--warn-bg); border-radius: 4px; }
details.group-warnings summary { cursor: pointer; color: #7a5b00; margin: 6px 0; }
.legend-note, .note, .muted, small { color: var(--muted); font-weight: normal; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 12px; }
figure.chart { margin: 0; padding: 8px; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
figure.chart[data-chart*="/cdf/"] { grid-column: span 2; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
figure.chart svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
table { border-collapse: collapse; background: #fff; margin: 12px 0; width: 100%; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f1f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.name { font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
tr.run.failed, tr.run.interrupted { background: var(--bad-bg); }
.status { display: inline-block; padding: 0 6px; border-radius: 3px; font-weight: 600; font-size: 12px; }
.status.passed { color: #fff; background: var(--ok); } .status.failed { color: #fff; background: var(--bad); } .status.interrupted { color: #000; background: #f2c94c; }
.error { color: var(--bad); font-size: 12px; margin-top: 2px; max-width: 48ch; }
td.links { font-size: 12px; }
p.empty { color: var(--muted); font-style: italic; }
@media (max-width: 960px) { figure.chart[data-chart*="/cdf/"] { grid-column: auto; } }
`;
