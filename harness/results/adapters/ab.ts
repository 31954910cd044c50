// ab, ApacheBench (closed loop): its report on stdout; percentiles in whole milliseconds.
import type { ResultsConfig } from '../../config/schema/results.ts';
import { countFlag, findLine, numberAt, requireLine, toolArgs, type ResultAdapter } from './adapter.ts';

type Options = Extract<ResultsConfig, { adapter: 'ab' }>;
const NUM = '([\\d.]+)';

export const abAdapter: ResultAdapter<Options> = {
  parse(input) {
    const taken = requireLine(input, new RegExp(`^Time taken for tests:\\s+${NUM} seconds`), '`Time taken for tests: S seconds`');
    const done = requireLine(input, new RegExp(`^Complete requests:\\s+${NUM}`), '`Complete requests: N`');
    const failed = requireLine(input, new RegExp(`^Failed requests:\\s+${NUM}`), '`Failed requests: N`');
    const rps = requireLine(input, new RegExp(`^Requests per second:\\s+${NUM} \\[#/sec\\]`), '`Requests per second: R [#/sec] (mean)`');
    const mean = requireLine(input, new RegExp(`^Time per request:\\s+${NUM} \\[ms\\] \\(mean\\)$`), '`Time per request: MS [ms] (mean)`');
    requireLine(input, /^Percentage of the requests served within a certain time \(ms\)/, 'the table `Percentage of the requests served within a certain time (ms)`');
    const pct = (p: string): number => {
      const m = requireLine(input, new RegExp(`^\\s+${p}%\\s+${NUM}`), `the percentile row \`${p}% MS\``);
      return numberAt(input, m, 0, `${p}%`) * 1000;
    };
    const non2xx = findLine(input.text, new RegExp(`^Non-2xx responses:\\s+${NUM}`));
    const seconds = numberAt(input, taken, 0, 'time taken');
    const bad = numberAt(input, failed, 0, 'failed requests') + (non2xx ? numberAt(input, non2xx, 0, 'non-2xx responses') : 0);
    const total = numberAt(input, done, 0, 'complete requests');
    const completed = total - bad;
    return {
      generator: 'ab',
      load_model: 'closed',
      offered_rps: null,
      // ab's rate is over all complete requests, from the unrounded time: scaled to the successful ones.
      achieved_rps: total > 0 ? Math.round(numberAt(input, rps, 0, 'requests per second') * (completed / total) * 100) / 100 : 0,
      completed,
      errors: bad,
      connections: countFlag(toolArgs(input.argv, 'ab'), ['-c'], 1),
      duration_s: seconds,
      latency_us: { mean: numberAt(input, mean, 0, 'time per request') * 1000, p50: pct('50'), p90: pct('90'), p95: pct('95'), p99: pct('99'), max: pct('100') },
      histogram: null,
      timeline: null,
      unavailable: ['offered_rps', 'timeouts', 'latency_us.p999', 'histogram', 'timeline'],
      notes: ['ab prints percentiles in whole milliseconds: latency_us.p* are multiples of 1000'],
    };
  },
};
