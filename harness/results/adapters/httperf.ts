// httperf --rate (open loop): new connections at a fixed rate, --num-calls requests each. It prints
// averages, not percentiles: the mean reply time, and the median and max of connection lifetimes,
// which are request latencies (connect included) only with one call per connection.
import type { ResultsConfig } from '../../config/schema/results.ts';
import { AdapterParseError, countFlag, flagValue, numberAt, requireLine, round1, toolArgs, type ResultAdapter } from './adapter.ts';

type Options = Extract<ResultsConfig, { adapter: 'httperf' }>;
const NUM = '([\\d.]+)';

export const httperfAdapter: ResultAdapter<Options> = {
  parse(input) {
    const args = toolArgs(input.argv, 'httperf');
    const rate = Number(flagValue(args, '--rate') ?? NaN);
    const calls = countFlag(args, ['--num-calls'], 1);
    const total = requireLine(input, new RegExp(`^Total: connections ${NUM} requests ${NUM} replies ${NUM} test-duration ${NUM} s`), '`Total: connections N requests N replies N test-duration S s`');
    const status = requireLine(input, new RegExp(`^Reply status: 1xx=${NUM} 2xx=${NUM} 3xx=${NUM} 4xx=${NUM} 5xx=${NUM}`), '`Reply status: 1xx=N 2xx=N 3xx=N 4xx=N 5xx=N`');
    const reply = requireLine(input, new RegExp(`^Reply time \\[ms\\]: response ${NUM} transfer ${NUM}`), '`Reply time [ms]: response MS transfer MS`');
    const conn = requireLine(input, new RegExp(`^Connection time \\[ms\\]: min ${NUM} avg ${NUM} max ${NUM} median ${NUM}`), '`Connection time [ms]: min MS avg MS max MS median MS stddev MS`');
    const sendRate = requireLine(input, new RegExp(`^Request rate: ${NUM} req/s`), '`Request rate: R req/s`');
    const errs = requireLine(input, new RegExp(`^Errors: total ${NUM} client-timo ${NUM} socket-timo ${NUM} connrefused ${NUM} connreset ${NUM}`), '`Errors: total N client-timo N socket-timo N connrefused N connreset N`');
    const limits = requireLine(input, new RegExp(`^Errors: fd-unavail ${NUM} addrunavail ${NUM}`), '`Errors: fd-unavail N addrunavail N ftab-full N other N`');
    const at = (m: typeof total, i: number, what: string): number => numberAt(input, m, i, what);
    const seconds = at(total, 3, 'test-duration');
    const completed = at(status, 1, '2xx') + at(status, 2, '3xx');
    const timeouts = at(errs, 1, 'client-timo') + at(errs, 2, 'socket-timo');
    const errors = at(status, 0, '1xx') + at(status, 3, '4xx') + at(status, 4, '5xx') + at(errs, 0, 'total') - timeouts;
    const starved = at(limits, 0, 'fd-unavail') + at(limits, 1, 'addrunavail');
    if (!Number.isFinite(rate) || rate <= 0) throw new AdapterParseError(input.source, total.line, 'an httperf command with --rate R (open loop)', 'the command has no --rate: without it httperf is not open loop; use the regex adapter with load_model: closed');
    const oneCall = calls === 1;
    return {
      generator: 'httperf',
      load_model: 'open',
      arrival: 'constant',
      offered_rps: rate * calls,
      achieved_rps: seconds > 0 ? round1(completed / seconds) : 0,
      sent: at(total, 1, 'requests'),
      completed,
      errors,
      timeouts,
      duration_s: seconds,
      latency_us: {
        mean: round1((at(reply, 0, 'response') + at(reply, 1, 'transfer')) * 1000),
        ...(oneCall ? { p50: round1(at(conn, 3, 'median') * 1000), max: round1(at(conn, 2, 'max') * 1000), min: round1(at(conn, 0, 'min') * 1000) } : {}),
      },
      histogram: null,
      timeline: null,
      saturated: starved > 0,
      schedule: { achieved_send_rps: at(sendRate, 0, 'request rate') },
      unavailable: ['latency_us.p90', 'latency_us.p95', 'latency_us.p99', 'latency_us.p999', ...(oneCall ? [] : ['latency_us.p50', 'latency_us.max']), 'histogram', 'timeline'],
      notes: [
        oneCall
          ? 'latency_us.p50/min/max: httperf’s connection lifetimes (connect + one request); mean: its reply time (response + transfer)'
          : `latency_us.mean: httperf’s reply time; no percentiles with --num-calls ${calls}`,
        ...(starved > 0 ? [`httperf ran out of file descriptors or addresses ${starved} times: the offered rate was not sent`] : []),
      ],
    };
  },
};
