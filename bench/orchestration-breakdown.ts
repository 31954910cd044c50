// Where a 1-run suite's fixed cost goes: `harness run` on a project written by
// orchestration-suite.ts, its output lines timestamped as they arrive. Phases (medians of RUNS runs):
//   cli      start → "suite execution … N runs" (Node start, the CLI, planning, compile check)
//   vitest   → "[harness] <suite>: N runs" (Vitest start, config, global setup, reporters)
//   worker   → the last "[harness] k/N" progress line (the worker's start and imports, the runs)
//   reports  → exit (Vitest's end, JUnit, summary.json, HTML report, the CLI's exit)
// Usage: node --import tsx bench/orchestration-breakdown.ts DIR [RUNS]   (DIR from orchestration-suite.ts)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [dir, runsArg = '5'] = process.argv.slice(2);
if (!dir) throw new Error('usage: orchestration-breakdown.ts DIR [RUNS]');
const harness = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'harness.js');
const PHASES = ['cli', 'vitest', 'worker', 'reports'] as const;

function once(i: number): Promise<Record<(typeof PHASES)[number], number>> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const marks: number[] = [];
    const child = spawn(process.execPath, [harness, '--root', dir!, 'run', '--suite', 'trivial', '--artifacts', path.join(dir!, `breakdown-${i}`)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let lastProgress = NaN;
    const onLine = (line: string): void => {
      const t = performance.now() - t0;
      if (marks.length === 0 && /^suite execution \S+: trivial, \d+ runs/.test(line)) marks.push(t);
      else if (marks.length === 1 && /^\[harness\] trivial: \d+ runs/.test(line)) marks.push(t);
      else if (/^\[harness\] \d+\/\d+ /.test(line)) lastProgress = t;
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        lines.forEach(onLine);
      });
    }
    child.on('error', reject);
    child.on('exit', (code) => {
      const end = performance.now() - t0;
      if (code !== 0 || marks.length < 2 || Number.isNaN(lastProgress)) return reject(new Error(`harness run exited ${code} (marks ${marks.length})`));
      resolve({ cli: marks[0]!, vitest: marks[1]! - marks[0]!, worker: lastProgress - marks[1]!, reports: end - lastProgress });
    });
  });
}

const n = Number(runsArg);
const samples: Record<string, number[]> = Object.fromEntries(PHASES.map((p) => [p, []]));
await once(-1); // a first run builds the runtime bundle if the sources changed: not counted
for (let i = 0; i < n; i++) {
  const s = await once(i);
  for (const p of PHASES) samples[p]!.push(s[p]);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const total = PHASES.reduce((sum, p) => sum + median(samples[p]!), 0);
console.log(`fixed cost of a 1-run suite, median of ${n}: ${(total / 1000).toFixed(2)} s`);
for (const p of PHASES) console.log(`  ${p.padEnd(8)} ${(median(samples[p]!) / 1000).toFixed(2)} s`);
