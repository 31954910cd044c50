import type { RunOptions } from './resolve-config.ts';

const VAR = 'HARNESS_RUN_OPTIONS';

// `harness run` passes its flags to the Vitest workers through one environment variable.
export function runOptionsToEnv(options: RunOptions): Record<string, string> {
  return { [VAR]: JSON.stringify(options) };
}

// Flags of the current run; empty under a plain `npx vitest suites/x`.
export function runOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunOptions {
  const raw = env[VAR];
  if (!raw) return {};
  try {
    return JSON.parse(raw) as RunOptions;
  } catch {
    throw new Error(`${VAR} is not valid JSON: ${raw.slice(0, 200)}`);
  }
}
