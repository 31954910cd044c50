import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { findExecutable } from '../../harness/process/index.ts';

/** One sample as `promtool tsdb dump` prints it. */
export interface DumpedSample {
  series: string;
  value: number;
  timestampMs: number;
}

// Backfill an OpenMetrics file into TSDB blocks with Prometheus' own promtool; returns the block folder.
export async function importOpenMetrics(file: string): Promise<string> {
  const promtool = findExecutable('promtool');
  if (!promtool) throw new Error('promtool is not installed: apt-get install prometheus (CI installs it in .ci/install-deps.sh)');
  const out = mkdtempSync(path.join(os.tmpdir(), 'tsdb-'));
  const res = await execa(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, out], { reject: false, all: true });
  if (res.exitCode !== 0) throw new Error(`promtool refused ${file}: ${res.all}`);
  // `tsdb dump` opens the folder as a database, which needs a WAL folder even when empty.
  mkdirSync(path.join(out, 'wal'), { recursive: true });
  return out;
}

// Query the blocks: every sample of the series matching a PromQL selector.
export async function dumpSamples(dir: string, match: string): Promise<DumpedSample[]> {
  const res = await execa('promtool', ['tsdb', 'dump', `--match=${match}`, dir], { all: true });
  return res.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = /^(\{.*\}) (\S+) (\d+)$/.exec(line);
      if (!m) throw new Error(`unexpected promtool dump line: ${line}`);
      return { series: m[1]!, value: Number(m[2]), timestampMs: Number(m[3]) };
    });
}
