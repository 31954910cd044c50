// Scale figures for issue 7: summary and compare of a 10,000-run suite, and ClickHouse ingest of
// 10,000 run results (rows per second, memory). Usage: node --import tsx bench/scale.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectRunRecords } from '../harness/results/artifact-store.ts';
import { summarizeRuns } from '../harness/report/summary.ts';
import { compareSummaries } from '../harness/report/compare.ts';
import { HttpEngine, ingestRuns } from '../harness/ingest/ingest.ts';
import { fakeRecord } from '../test/helpers/run-records.ts';
import { ClickHouseServer } from '../test/helpers/clickhouse.ts';

const N = Number(process.env.BENCH_SCALE_RUNS ?? 10_000);
const modes = ['baseline', 'perf', 'microsentinel'];
const variants = 100;
const reps = Math.ceil(N / (modes.length * variants));
const mb = (): number => Math.round(process.memoryUsage().rss / 1024 / 1024);
const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
};

function suite(shift: number) {
  const out = [];
  let i = 0;
  for (let rep = 0; rep < reps && i < N; rep++)
    for (let v = 0; v < variants && i < N; v++)
      for (const mode of modes) {
        if (i++ >= N) break;
        const rps = (mode === 'baseline' ? 3000 : mode === 'perf' ? 2900 : 2800) * shift + ((rep * 7 + v) % 11);
        const r = fakeRecord({ mode, variant: `v=${v}`, repetition: rep, metrics: { throughput_rps: rps, p50_us: 1e5 / rps, p99_us: 4e5 / rps, errors: 0 } });
        r.result.started_at = new Date(Date.UTC(2026, 10, 28, 10, 0, 0) + i * 1000).toISOString();
        r.result.run.id = `r${String(i).padStart(11, '0')}`;
        out.push(r);
      }
  return out;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
try {
  const records = suite(1);
  for (const r of records) {
    const d = path.join(dir, `${r.result.run.id}_${r.result.run.mode}`);
    mkdirSync(d);
    writeFileSync(path.join(d, 'run_result.json'), JSON.stringify({ ...r.result, artifact_dir: d }));
  }
  const [loaded, loadMs] = await time(() => collectRunRecords([dir]));
  const [base, sumMs] = await time(() => summarizeRuns(loaded, { suite: 'scale', descriptor: 'x.yaml' }));
  const cand = summarizeRuns(suite(0.97), { suite: 'scale', descriptor: 'x.yaml' });
  const [cmp, cmpMs] = await time(() => compareSummaries(base, cand, { base: 'a', candidate: 'b' }));
  console.log(`runs: ${loaded.length} (${base.groups.length} groups, ${reps} repetitions)`);
  console.log(`read run_result.json files: ${Math.round(loadMs)} ms`);
  console.log(`summary (bootstrap intervals, overhead): ${Math.round(sumMs)} ms`);
  console.log(`compare (${cmp.rows.length} comparisons, Holm): ${Math.round(cmpMs)} ms → ${cmp.overall}`);
  const server = new ClickHouseServer();
  await server.start();
  try {
    const client = new HttpEngine(server.url);
    const [res, ingestMs] = await time(() => ingestRuns(client, loaded, { database: 'bench' }));
    const rows = Object.values(res.rows).reduce((a, b) => a + b, 0);
    console.log(`ingest into ClickHouse 18: ${res.runs} runs, ${rows} rows in ${Math.round(ingestMs)} ms = ${Math.round(rows / (ingestMs / 1000))} rows/s`);
    const [again, againMs] = await time(() => ingestRuns(client, loaded, { database: 'bench' }));
    console.log(`re-ingest (idempotent): ${again.runs} new, ${again.skipped} skipped in ${Math.round(againMs)} ms`);
    await client.close();
  } finally {
    await server.stop();
  }
  console.log(`peak RSS of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (now ${mb()} MB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
