// wrk (closed loop): its done() hook (wrk-report.lua, added to the command by the harness) prints
// the summary and every latency bucket as JSON; the histogram is rebuilt from the buckets.
import { z } from 'zod';
import type { ResultsConfig } from '../../config/schema/results.ts';
import { AdapterParseError, countFlag, requireLine, round1, toolArgs, type ResultAdapter } from './adapter.ts';
import { latencyFromSamples } from './latency-histogram.ts';

type Options = Extract<ResultsConfig, { adapter: 'wrk' }>;
const Count = z.number().int().min(0);
const ReportSchema = z.strictObject({
  duration_us: Count,
  requests: Count,
  bytes: Count,
  errors: z.strictObject({ connect: Count, read: Count, write: Count, status: Count, timeout: Count }),
  latency: z.strictObject({ min: z.number(), max: z.number(), mean: z.number(), stdev: z.number() }),
  buckets: z.array(z.tuple([Count, Count])),
});

export const wrkAdapter: ResultAdapter<Options> = {
  parse(input) {
    const m = requireLine(input, /^HARNESS_WRK_REPORT (.*)$/, 'the line `HARNESS_WRK_REPORT {…}` that wrk-report.lua prints (a wrk script of your own must end with dofile(os.getenv("HARNESS_WRK_REPORT")))');
    let report: z.infer<typeof ReportSchema>;
    try {
      report = ReportSchema.parse(JSON.parse(m.groups[0]!));
    } catch (err) {
      throw new AdapterParseError(input.source, m.line, 'the JSON report of wrk-report.lua', `it does not parse: ${(err as Error).message.split('\n')[0]}`);
    }
    const e = report.errors;
    // wrk counts non-2xx/3xx answers as status errors inside `requests`.
    const completed = report.requests - e.status;
    const seconds = report.duration_us / 1e6;
    const latency = latencyFromSamples(report.buckets);
    return {
      generator: 'wrk',
      load_model: 'closed',
      offered_rps: null,
      achieved_rps: seconds > 0 ? round1(completed / seconds) : 0,
      completed,
      errors: e.connect + e.read + e.write + e.status,
      timeouts: e.timeout,
      connections: countFlag(toolArgs(input.argv, 'wrk'), ['-c', '--connections'], 10),
      duration_s: seconds,
      latency_us: latency ? { ...latency.latency_us, mean: round1(report.latency.mean) } : {},
      histogram: latency?.histogram ?? null,
      timeline: null,
      unavailable: ['offered_rps', 'timeline'],
      notes: [`wrk: ${report.requests} requests (${e.status} non-2xx/3xx) in ${seconds} s, ${report.bytes} bytes read`],
    };
  },
};
