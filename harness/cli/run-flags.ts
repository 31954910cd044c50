import type { Command } from 'commander';
import { DEFAULT_MAX_RUNS } from '../plan/resolve-config.ts';
import type { CommandLineOverrides } from '../plan/overrides.ts';
import type { Shard } from '../compile/shard.ts';
import type { SessionFlags } from '../session/resolve-session.ts';
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

function nonEmpty(flag: string, value: string | boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${flag} needs a value`);
  return value;
}

// Validate the flags into the session's flag layer (clear messages, exit 2). Output paths are checked
// by the command once the folders the harness creates itself exist.
export function readRunFlags(opts: Record<string, string | boolean | undefined>): SessionFlags {
  const overrides: CommandLineOverrides = {};
  const perfFreq = positiveInt('--perf-freq', opts.perfFreq, 1_000_000);
  const metricsPort = positiveInt('--metrics-port', opts.metricsPort, 65535);
  const agentBin = nonEmpty('--agent-bin', opts.agentBin);
  const agentConfig = nonEmpty('--agent-config', opts.agentConfig);
  if (perfFreq !== undefined) overrides.perfFreq = perfFreq;
  if (metricsPort !== undefined) overrides.metricsPort = metricsPort;
  if (agentBin !== undefined) overrides.agentBin = agentBin;
  if (agentConfig !== undefined) overrides.agentConfig = agentConfig;
  const out: SessionFlags = { overrides };
  const maxRuns = positiveInt('--max-runs', opts.maxRuns, 100_000_000);
  if (maxRuns !== undefined) out.maxRuns = maxRuns;
  const summary = nonEmpty('--summary', opts.summary);
  if (summary !== undefined) out.summary = summary;
  const artifacts = nonEmpty('--artifacts', opts.artifacts);
  if (artifacts !== undefined) out.artifacts = artifacts;
  if (opts.resume) out.resume = true;
  if (opts.shard !== undefined) out.shard = parseShard(String(opts.shard));
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

