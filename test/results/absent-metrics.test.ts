// absentLoadMetrics / absentMetricsWarning (harness/results/validity.ts): a run with clients that
// lacks load figures always says so; only require_throughput: false lets it pass without them.
import { describe, expect, it } from 'vitest';
import { ValiditySchema } from '../../harness/config/schema/suite.ts';
import { absentLoadMetrics, absentMetricsWarning, validityProblems } from '../../harness/results/validity.ts';

const strict = ValiditySchema.parse({});
const lenient = ValiditySchema.parse({ require_throughput: false });

describe('absent load metrics', () => {
  it('names the load figures a run with clients lacks; none for a run without clients', () => {
    expect(absentLoadMetrics({ throughput_rps: 10, p50_us: 3 }, true)).toEqual(['p99_us']);
    expect(absentLoadMetrics({}, false)).toEqual([]);
    expect(absentMetricsWarning([], strict)).toBeUndefined();
  });

  it('a run with no load metrics fails by default, naming the format and adapters; with require_throughput: false it passes with a warning', () => {
    expect(validityProblems({ server_cpu_pct: 5 }, strict, true)[0]).toMatch(/^no throughput: .*metrics\/<client>\.json \(harness\/schemas\/generator-metrics\.schema\.json\).*results: \{ adapter: … \}/);
    expect(validityProblems({ server_cpu_pct: 5 }, lenient, true)).toEqual([]);
    expect(absentMetricsWarning(absentLoadMetrics({ server_cpu_pct: 5 }, true), lenient)).toMatch(/^absent metrics: throughput_rps, p50_us, p99_us \(the clients reported none; it passes only because validity\.require_throughput is false/);
  });
});
