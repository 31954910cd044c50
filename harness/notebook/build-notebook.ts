import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../config/project-root.ts';
import { DIRECTION_RULES, metricDirection, OVERHEAD_METRICS } from '../stats/direction.ts';

/** Where the notebook reads its data: ClickHouse over HTTP, or the artifact folders themselves. */
export type NotebookSource = { kind: 'clickhouse'; url: string; database: string } | { kind: 'artifacts'; dir: string };

export interface NotebookOptions {
  /** A suite execution ID, or one run's artifact ID (its folder name): selects the whole suite execution. */
  id: string;
  source: NotebookSource;
}

interface Cell {
  cell_type: 'code' | 'markdown';
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: null;
  outputs?: unknown[];
}

/** The analysis cells, in jupytext "percent" format (a plain Python file, readable and lintable). */
export const ANALYSIS_SOURCE = path.join(PACKAGE_ROOT, 'harness/notebook/analysis.py');

// A Python literal for a string, number or flat mapping (JSON's string escapes are Python's too).
function py(value: string | number | null | Record<string, string>): string {
  if (value === null) return 'None';
  return JSON.stringify(value);
}

// The parameters cell: everything the notebook needs to find its data; nothing else is suite-specific.
export function parameterLines(opts: NotebookOptions): string[] {
  const s = opts.source;
  return [
    `ID = ${py(opts.id)}  # a suite execution ID, or one run's artifact ID (selects its whole suite execution)`,
    `SOURCE = ${py(s.kind)}  # 'clickhouse' or 'artifacts'`,
    `CLICKHOUSE_URL = ${py(s.kind === 'clickhouse' ? s.url : 'http://127.0.0.1:8123')}`,
    `DATABASE = ${py(s.kind === 'clickhouse' ? s.database : 'harness')}`,
    `ARTIFACTS_DIR = ${py(s.kind === 'artifacts' ? s.dir : 'experiments/artifacts')}`,
    `OVERHEAD_METRICS = ${py(Object.fromEntries(OVERHEAD_METRICS.map((m) => [m, metricDirection(m)])))}  # the harness's metric directions`,
    `DIRECTION_RULES = ${JSON.stringify(DIRECTION_RULES.map(([re, d]) => [re.source, d]))}  # first match wins; no match: lower-is-better`,
    'BOOTSTRAP_SEED = 1',
    'OBSERVER_SERIES = None  # a regex of observer series to plot; None: those that moved most',
    'MAX_SERIES_PLOTS = 12',
  ];
}

// Split percent-format text into cells; `# %% tags=["parameters"]` marks the cell to fill in.
function parseCells(text: string, parameters: string[]): Cell[] {
  const cells: Cell[] = [];
  for (const chunk of text.split(/^(?=# %%)/m)) {
    const [header = '', ...body] = chunk.split('\n');
    if (!header.startsWith('# %%')) continue;
    const lines = body.join('\n').replace(/\n+$/, '').split('\n');
    if (header.includes('[markdown]')) {
      cells.push({ cell_type: 'markdown', metadata: {}, source: asSource(lines.map((l) => l.replace(/^# ?/, ''))) });
    } else if (header.includes('"parameters"')) {
      cells.push({ cell_type: 'code', metadata: { tags: ['parameters'] }, source: asSource(parameters), execution_count: null, outputs: [] });
    } else {
      cells.push({ cell_type: 'code', metadata: {}, source: asSource(lines), execution_count: null, outputs: [] });
    }
  }
  return cells;
}

// nbformat keeps a cell's source as lines, each but the last ending in a newline.
const asSource = (lines: string[]): string[] => lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));

// The notebook (nbformat 4) that rebuilds a suite's analysis from one ID.
export function buildNotebook(opts: NotebookOptions, analysis = readFileSync(ANALYSIS_SOURCE, 'utf8')): Record<string, unknown> {
  const where = opts.source.kind === 'clickhouse' ? `ClickHouse ${opts.source.url}, database ${opts.source.database}` : `artifact folders in ${opts.source.dir}`;
  const title: Cell = { cell_type: 'markdown', metadata: {}, source: asSource([`# Analysis of ${opts.id}`, '', `Data: ${where}. Regenerate with \`npx harness notebook ${opts.id}\`.`]) };
  return {
    // nbformat 4.5 wants a stable id per cell.
    cells: [title, ...parseCells(analysis, parameterLines(opts))].map((c, i) => ({ id: `cell-${i}`, ...c })),
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      language_info: { name: 'python' },
      harness: { id: opts.id, source: opts.source },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}
