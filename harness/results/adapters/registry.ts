// The built-in result adapters by name (docs/load-tools.md); one module each.
import type { AdapterName, ResultsConfig } from '../../config/schema/results.ts';
import type { ResultAdapter } from './adapter.ts';
import { abAdapter } from './ab.ts';
import { h2loadAdapter } from './h2load.ts';
import { heyAdapter } from './hey.ts';
import { httperfAdapter } from './httperf.ts';
import { hyperfineAdapter } from './hyperfine.ts';
import { jsonPathsAdapter } from './json-paths.ts';
import { namedRegexAdapter } from './named-regex.ts';
import { redisBenchmarkAdapter } from './redis-benchmark.ts';
import { wrkAdapter } from './wrk.ts';

type Registry = { [K in AdapterName]: ResultAdapter<Extract<ResultsConfig, { adapter: K }>> };

export const RESULT_ADAPTERS: Registry = {
  'redis-benchmark': redisBenchmarkAdapter,
  wrk: wrkAdapter,
  httperf: httperfAdapter,
  h2load: h2loadAdapter,
  ab: abAdapter,
  hey: heyAdapter,
  hyperfine: hyperfineAdapter,
  json: jsonPathsAdapter,
  regex: namedRegexAdapter,
};
