// Figures for issue 17 (bounded cost): planning 10⁵ vs 10⁶ runs (CPU time, wall time, peak RSS of a
// real `harness plan --count` process), loading a YAML mapping with 350,000 keys, and `compare` at
// 12,000 values per side. Usage: node --import tsx bench/hostile-scale.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { YamlSource } from '../harness/config/yaml-source.ts';
import { compareSamples } from '../harness/stats/verdict.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'bench-hostile-'));
try {
  for (const runs of [100_000, 1_000_000]) {
    const dir = path.join(work, String(runs));
    execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/make-big-suite.ts'), dir, String(runs)], { cwd: ROOT });
    // GNU time: elapsed, user, system seconds and peak RSS (KB) of the planning process alone.
    const res = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, path.join(ROOT, 'bin/harness.js'), '--root', dir, 'plan', '--suite', 'big', '--count', '--max-runs', String(runs)], { encoding: 'utf8' });
    const [wall, user, sys, rss] = res.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
    console.log(`plan ${runs.toLocaleString('en')} runs: ${(user! + sys!).toFixed(1)} s CPU, ${wall!.toFixed(1)} s wall, peak RSS ${Math.round(rss! / 1024)} MB (exit ${res.status})`);
  }
  const refused = spawnSync(process.execPath, [path.join(ROOT, 'bin/harness.js'), '--root', path.join(work, '1000000'), 'plan', '--suite', 'big', '--count'], { encoding: 'utf8' });
  console.log(`plan 1,000,000 runs without --max-runs: exit ${refused.status}: ${refused.stderr.split('\n')[1]?.trim()}`);

  const keys = 350_000;
  const text = `settings:\n${Array.from({ length: keys }, (_, i) => `  k${i}: ${i}`).join('\n')}\n`;
  let cpu = process.cpuUsage();
  const { issues } = YamlSource.parse('big.yaml', text);
  cpu = process.cpuUsage(cpu);
  console.log(`YAML mapping of ${keys.toLocaleString('en')} keys (${(text.length / 1e6).toFixed(1)} MB): ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, ${issues.length} issues`);

  const n = 12_000;
  const base = Array.from({ length: n }, (_, i) => 100 + ((i * 7919) % 1009) / 10);
  const cand = base.map((x, i) => x * 1.03 + ((i * 31) % 7) / 100);
  cpu = process.cpuUsage();
  const c = compareSamples(base, cand, { direction: 'lower-is-better' });
  cpu = process.cpuUsage(cpu);
  console.log(`compare ${n.toLocaleString('en')} values per side: ${((cpu.user + cpu.system) / 1e3).toFixed(0)} ms CPU, method ${c.method}, verdict ${c.verdict}, smallest detectable ${(c.minDetectableEffect! * 100).toFixed(2)} %`);
  console.log(`peak RSS of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
