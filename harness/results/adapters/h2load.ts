// h2load (closed loop): its summary on stdout; with --log-file, every request's time (µs, third
// column) gives exact percentiles and the histogram.
import path from 'node:path';
import type { ResultsConfig } from '../../config/schema/results.ts';
import { readTextBounded } from '../../util/safe-file.ts';
import { AdapterParseError, countFlag, durationUs, flagValue, numberAt, requireLine, round1, toolArgs, type AdapterInput, type ResultAdapter } from './adapter.ts';
import { latencyFromSamples } from './latency-histogram.ts';

type Options = Extract<ResultsConfig, { adapter: 'h2load' }>;
const NUM = '([\\d.]+)';
const DUR = '([\\d.]+(?:us|ms|s|m))';

export const h2loadAdapter: ResultAdapter<Options> = {
  parse(input) {
    const args = toolArgs(input.argv, 'h2load');
    const fin = requireLine(input, new RegExp(`^finished in ${DUR}, ${NUM} req/s`), '`finished in T, R req/s, …` (h2load’s summary)');
    const req = requireLine(input, new RegExp(`^requests: ${NUM} total, ${NUM} started, ${NUM} done, ${NUM} succeeded, ${NUM} failed, ${NUM} errored, ${NUM} timeout`), '`requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout`');
    const time = requireLine(input, new RegExp(`^time for request:\\s+${DUR}\\s+${DUR}\\s+${DUR}`), '`time for request: MIN MAX MEAN SD`');
    const seconds = durationUs(input, fin, 0, 'the run time') / 1e6;
    const completed = numberAt(input, req, 3, 'succeeded');
    const logFile = flagValue(args, '--log-file');
    const samples = logFile ? readLog(path.resolve(input.cwd, logFile), input) : null;
    const latency = samples ? latencyFromSamples(samples) : null;
    const printed = { min: durationUs(input, time, 0, 'min'), max: durationUs(input, time, 1, 'max'), mean: durationUs(input, time, 2, 'mean') };
    return {
      generator: 'h2load',
      load_model: 'closed',
      offered_rps: null,
      achieved_rps: seconds > 0 ? round1(completed / seconds) : 0,
      sent: numberAt(input, req, 1, 'started'),
      completed,
      errors: numberAt(input, req, 4, 'failed'),
      timeouts: numberAt(input, req, 6, 'timeout'),
      connections: countFlag(args, ['-c', '--clients'], 1),
      duration_s: seconds,
      latency_us: latency ? { ...latency.latency_us, mean: printed.mean } : printed,
      histogram: latency?.histogram ?? null,
      timeline: null,
      unavailable: ['offered_rps', 'timeline', ...(latency ? [] : ['latency_us.p50', 'latency_us.p90', 'latency_us.p95', 'latency_us.p99', 'latency_us.p999', 'histogram'])],
      notes: latency ? [`latency percentiles from h2load --log-file ${logFile}`] : ['no --log-file: h2load prints only min/mean/max request times'],
    };
  },
};

// h2load --log-file: `start_us<TAB>status<TAB>elapsed_us` per request.
function readLog(file: string, input: AdapterInput): [number, number][] {
  const text = readTextBounded(file, { maxBytes: 512 * 1024 * 1024, what: 'h2load log file' });
  const out: [number, number][] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    const cols = line.split('\t');
    const us = Number(cols[2]);
    if (cols.length < 3 || !Number.isFinite(us)) throw new AdapterParseError(file, i + 1, 'h2load --log-file lines `start_us<TAB>status<TAB>elapsed_us`', `found ${JSON.stringify(line.slice(0, 200))} (read for ${input.source})`);
    out.push([us, 1]);
  }
  return out;
}
