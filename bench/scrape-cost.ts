// What the time series cost the observed process: the reference observer's CPU (utime + stime from
// /proc) over 10 s unscraped, scraped every second (the default) and every 100 ms, 3 trials each.
// Usage: node --import tsx bench/scrape-cost.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrometheusScraper } from '../harness/instrumentation/prometheus-scraper.ts';
import { freePort } from '../test/helpers/ports.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'scrape-cost-'));
const cpuSeconds = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
writeFileSync(path.join(dir, 'agent.toml'), `[sampling]\nsamples_per_core = 1000\ncores = 0\n[target]\npids = "${process.pid}"\n`);

// Observer CPU in % of one core while scraped at intervalMs (null: not scraped).
async function trial(intervalMs: number | null, seconds = 10): Promise<number> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const p = spawn('experiments/agents/reference-observer.sh', [`--config=${path.join(dir, 'agent.toml')}`, `--metrics-port=${port}`], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100; i++) {
      if (await fetch(url).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const scraper = new PrometheusScraper({ endpoints: [{ name: 'observer', url }], intervalMs: intervalMs ?? 1000, artifactDir: dir });
    const [c0, t0] = [cpuSeconds(p.pid!), Date.now()];
    if (intervalMs) scraper.start();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    if (intervalMs) await scraper.stop();
    return ((cpuSeconds(p.pid!) - c0) / ((Date.now() - t0) / 1000)) * 100;
  } finally {
    p.kill('SIGTERM');
  }
}

const results: Record<string, number[]> = { 'not scraped': [], 'every 1000 ms': [], 'every 100 ms': [] };
try {
  for (let rep = 0; rep < 3; rep++) {
    results['not scraped']!.push(await trial(null));
    results['every 1000 ms']!.push(await trial(1000));
    results['every 100 ms']!.push(await trial(100));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const [k, v] of Object.entries(results)) console.log(`reference observer ${k}: ${v.map((x) => x.toFixed(1)).join(', ')} % of one core`);
