// hey (closed loop; -q caps each worker's rate but still waits for replies): its summary on stdout,
// latencies in seconds.
import type { ResultsConfig } from '../../config/schema/results.ts';
import { countFlag, findLine, numberAt, requireLine, round1, toolArgs, type ResultAdapter } from './adapter.ts';

type Options = Extract<ResultsConfig, { adapter: 'hey' }>;
const NUM = '([\\d.]+)';

export const heyAdapter: ResultAdapter<Options> = {
  parse(input) {
    const total = requireLine(input, new RegExp(`^\\s+Total:\\s+${NUM} secs`), '`Total: S secs` (hey’s summary)');
    const rps = requireLine(input, new RegExp(`^\\s+Requests/sec:\\s+${NUM}`), '`Requests/sec: R`');
    const s = (label: string): number => numberAt(input, requireLine(input, new RegExp(`^\\s+${label}:\\s+${NUM} secs`), `\`${label}: S secs\``), 0, label) * 1e6;
    const pct = (p: number): number => numberAt(input, requireLine(input, new RegExp(`^\\s+${p}% in ${NUM} secs`), `the latency row \`${p}% in S secs\``), 0, `${p}%`) * 1e6;
    requireLine(input, /^Status code distribution:/, '`Status code distribution:`');
    let ok = 0;
    let bad = 0;
    for (const m of input.text.matchAll(/^\s+\[(\d{3})\]\s+(\d+) responses/gm)) {
      if (/^[23]/.test(m[1]!)) ok += Number(m[2]);
      else bad += Number(m[2]);
    }
    // "Error distribution:" lists transport errors as `[count] message`.
    const errorsAt = findLine(input.text, /^Error distribution:/);
    if (errorsAt) for (const m of input.text.split('\n').slice(errorsAt.line).join('\n').matchAll(/^\s+\[(\d+)\]\s+\S/gm)) bad += Number(m[1]);
    const seconds = numberAt(input, total, 0, 'total');
    const printedRps = numberAt(input, rps, 0, 'requests/sec');
    const all = ok + bad;
    return {
      generator: 'hey',
      load_model: 'closed',
      offered_rps: null,
      // hey's Requests/sec counts every answered request: scaled to the successful ones.
      achieved_rps: all > 0 ? round1((printedRps * ok) / all) : 0,
      completed: ok,
      errors: bad,
      connections: countFlag(toolArgs(input.argv, 'hey'), ['-c'], 50),
      duration_s: seconds,
      latency_us: { min: s('Fastest'), mean: s('Average'), max: s('Slowest'), p50: pct(50), p90: pct(90), p95: pct(95), p99: pct(99) },
      histogram: null,
      timeline: null,
      unavailable: ['offered_rps', 'timeouts', 'latency_us.p999', 'histogram', 'timeline'],
      notes: ['hey prints latencies in seconds with 4 decimals: latency_us figures are multiples of 100 µs'],
    };
  },
};
