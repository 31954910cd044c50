// redis-benchmark --csv (closed loop): one row per test with rps and latency figures in ms.
import type { ResultsConfig } from '../../config/schema/results.ts';
import { AdapterParseError, countFlag, numberAt, requireLine, round1, toolArgs, type ResultAdapter } from './adapter.ts';

type Options = Extract<ResultsConfig, { adapter: 'redis-benchmark' }>;
const HEADER = '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"';
const ROW = /^"([^"]*)","([^"]*)","([^"]*)","([^"]*)","([^"]*)","([^"]*)","([^"]*)","([^"]*)"$/;

export const redisBenchmarkAdapter: ResultAdapter<Options> = {
  parse(input) {
    const header = requireLine(input, /^"test","rps",/, `redis-benchmark's CSV header ${HEADER} (run it with --csv)`);
    const lines = input.text.split('\n');
    const rows: { name: string; line: number; cells: string[] }[] = [];
    for (let i = header.line; i < lines.length; i++) {
      const m = ROW.exec(lines[i]!.trim());
      if (m) rows.push({ name: m[1]!, line: i + 1, cells: m.slice(2) });
    }
    if (rows.length === 0) throw new AdapterParseError(input.source, header.line + 1, 'a CSV row per test after the header, e.g. "GET","50000.00","0.051",…', 'found none');
    const wanted = input.options.test;
    const row = wanted ? rows.find((r) => r.name.toUpperCase() === wanted.toUpperCase()) : rows.length === 1 ? rows[0] : undefined;
    if (!row) {
      const names = rows.map((r) => r.name).join(', ');
      throw new AdapterParseError(input.source, header.line, wanted ? `a row for test ${wanted} (results.test)` : 'one test row, or results.test naming one', `the CSV has ${names}: name one with results.test, or run one test with -t`);
    }
    const n = (i: number, what: string): number => numberAt(input, { groups: row.cells, line: row.line }, i, what);
    const rps = n(0, 'rps');
    const ms = (i: number, what: string): number => round1(n(i, what) * 1000);
    const args = toolArgs(input.argv, 'redis-benchmark');
    // redis-benchmark runs exactly -n requests per test (default 100000); the CSV has no count.
    const completed = countFlag(args, ['-n'], 100_000);
    return {
      generator: 'redis-benchmark',
      load_model: 'closed',
      offered_rps: null,
      achieved_rps: rps,
      completed,
      connections: countFlag(args, ['-c'], 50),
      duration_s: rps > 0 ? Number((completed / rps).toFixed(6)) : 0,
      latency_us: { mean: ms(1, 'avg_latency_ms'), min: ms(2, 'min_latency_ms'), p50: ms(3, 'p50_latency_ms'), p95: ms(4, 'p95_latency_ms'), p99: ms(5, 'p99_latency_ms'), max: ms(6, 'max_latency_ms') },
      histogram: null,
      timeline: null,
      unavailable: ['offered_rps', 'errors', 'timeouts', 'latency_us.p90', 'latency_us.p999', 'histogram', 'timeline'],
      notes: [`test ${row.name} (CSV line ${row.line}); completed is -n (${completed}): redis-benchmark runs exactly that many requests; duration_s = completed / rps`],
    };
  },
};
