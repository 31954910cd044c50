// hyperfine --export-json (closed loop, one command run at a time): each run of the benchmarked
// command is one request; its wall times (s) give the latency histogram.
import path from 'node:path';
import { z } from 'zod';
import type { ResultsConfig } from '../../config/schema/results.ts';
import { AdapterParseError, flagValue, round1, toolArgs, type ResultAdapter } from './adapter.ts';
import { latencyFromSamples } from './latency-histogram.ts';

type Options = Extract<ResultsConfig, { adapter: 'hyperfine' }>;
const ResultSchema = z.looseObject({ command: z.string(), mean: z.number(), times: z.array(z.number().min(0)).min(1), exit_codes: z.array(z.number().nullable()) });
const ExportSchema = z.looseObject({ results: z.array(ResultSchema).min(1) });

export const hyperfineAdapter: ResultAdapter<Options> = {
  sourceFile(argv, cwd) {
    const file = flagValue(toolArgs(argv, 'hyperfine'), '--export-json');
    return file ? path.resolve(cwd, file) : undefined;
  },
  parse(input) {
    let doc: z.infer<typeof ExportSchema>;
    try {
      doc = ExportSchema.parse(JSON.parse(input.text));
    } catch (err) {
      throw new AdapterParseError(input.source, 1, 'hyperfine’s --export-json document ({"results": [{"command", "mean", "times", "exit_codes", …}]})', (err as Error).message.split('\n')[0]!);
    }
    const wanted = input.options.command;
    const result = wanted ? doc.results.find((r) => r.command === wanted) : doc.results.length === 1 ? doc.results[0] : undefined;
    if (!result) {
      const names = doc.results.map((r) => JSON.stringify(r.command)).join(', ');
      throw new AdapterParseError(input.source, 1, wanted ? `a result for command ${JSON.stringify(wanted)} (results.command)` : 'one benchmarked command, or results.command naming one', `the export has ${names}`);
    }
    const seconds = result.times.reduce((a, b) => a + b, 0);
    const failed = result.exit_codes.filter((c) => c !== 0).length;
    const latency = latencyFromSamples(result.times.map((t) => [t * 1e6, 1] as const));
    return {
      generator: 'hyperfine',
      load_model: 'closed',
      offered_rps: null,
      achieved_rps: seconds > 0 ? round1((result.times.length - failed) / seconds) : 0,
      completed: result.times.length - failed,
      errors: failed,
      connections: 1,
      duration_s: Number(seconds.toFixed(6)),
      latency_us: { ...latency!.latency_us, mean: round1(result.mean * 1e6) },
      histogram: latency!.histogram,
      timeline: null,
      unavailable: ['offered_rps', 'timeouts', 'timeline'],
      notes: [`hyperfine: ${result.times.length} runs of ${JSON.stringify(result.command)}; achieved_rps = runs per second of their summed wall time`],
    };
  },
};
