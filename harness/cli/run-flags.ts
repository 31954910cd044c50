import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_MAX_RUNS, type RunOptions } from '../plan/resolve-config.ts';
import { checkOutputPath } from '../util/safe-file.ts';
import type { Shard } from '../compile/shard.ts';
import { UsageError } from './errors.ts';

// The run flags (docs/running.md: Everyday commands), shared by `plan` and `run`.
export function addRunFlags(cmd: Command): Command {
  return cmd
    .option('--perf-freq <hz>', 'perf sampling frequency (perf -F)')
    .option('--agent-bin <path>', 'MicroSentinel agent binary')
    .option('--agent-config <path>', 'MicroSentinel agent TOML config template')
    .option('--metrics-port <port>', 'agent Prometheus metrics port')
    .option('--summary <path>', 'suite summary JSON path', undefined)
    .option('--artifacts <dir>', 'artifacts root (default experiments/artifacts)')
    .option('--max-runs <n>', `refuse suites that plan more runs than this (default ${DEFAULT_MAX_RUNS})`);
}

function positiveInt(flag: string, value: string | boolean | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} must be a whole number between 1 and ${max}, got "${value}"`);
  return n;
}

// Validate the flags into RunOptions (clear messages, exit 2).
export function readRunFlags(opts: Record<string, string | boolean | undefined>, rootDir = process.cwd()): RunOptions {
  const out: RunOptions = {};
  const perfFreq = positiveInt('--perf-freq', opts.perfFreq, 1_000_000);
  const metricsPort = positiveInt('--metrics-port', opts.metricsPort, 65535);
  const maxRuns = positiveInt('--max-runs', opts.maxRuns, 100_000_000);
  if (maxRuns !== undefined) out.maxRuns = maxRuns;
  if (perfFreq !== undefined) out.perfFreq = perfFreq;
  if (metricsPort !== undefined) out.metricsPort = metricsPort;
  if (typeof opts.agentBin === 'string') out.agentBin = opts.agentBin;
  if (typeof opts.agentConfig === 'string') out.agentConfig = opts.agentConfig;
  if (typeof opts.summary === 'string') {
    // Refused now rather than after the suite ran: a device, FIFO or folder, or a missing folder.
    checkOutputPath(path.resolve(rootDir, opts.summary), { what: '--summary' });
    out.summary = opts.summary;
  }
  if (typeof opts.artifacts === 'string') out.artifactsDir = opts.artifacts;
  if (opts.resume) out.resume = true;
  return out;
}

// `--shard 2/3` → { index: 2, count: 3 } (1-based, like vitest --shard).
export function parseShard(text: string): Shard {
  const m = /^([1-9]\d{0,5})\/([1-9]\d{0,5})$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard takes i/n with 1 ≤ i ≤ n (e.g. 1/2), got "${text}"`);
  return { index, count };
}
