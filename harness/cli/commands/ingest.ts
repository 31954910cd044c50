import { ingestRuns } from '../../ingest/ingest.ts';
import { withClickHouse } from '../with-clickhouse.ts';
import { suiteTableQuery } from '../../ingest/select.ts';
import { collectRunRecords, ArtifactReadError } from '../../results/artifact-store.ts';
import type { CliIo } from '../main.ts';
import { UsageError } from '../errors.ts';

// The ClickHouse URL from --clickhouse or HARNESS_CLICKHOUSE_URL, checked.
export function clickhouseUrl(flag: string | undefined): string {
  const url = flag ?? process.env.HARNESS_CLICKHOUSE_URL;
  if (!url) throw new UsageError('--clickhouse URL is required (e.g. http://127.0.0.1:8123), or set HARNESS_CLICKHOUSE_URL');
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw new UsageError(`--clickhouse must be an http(s) URL of ClickHouse's HTTP interface, got "${url}"`);
  return url;
}

// `harness ingest ARTIFACTS… --clickhouse URL`: migrate, then load runs in batches; `--suite-table ID` prints a suite's table.
export async function ingestCommand(paths: string[], opts: { clickhouse?: string; database: string; suiteTable?: string; batchSize?: string }, io: CliIo): Promise<number> {
  const url = clickhouseUrl(opts.clickhouse);
  const batchSize = opts.batchSize === undefined ? undefined : Number(opts.batchSize);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new UsageError(`--batch-size must be a whole number of runs above 0, got "${opts.batchSize}"`);
  return withClickHouse(url, io, async (engine) => {
    if (paths.length > 0) {
      let records;
      try {
        records = collectRunRecords(paths);
      } catch (err) {
        if (err instanceof ArtifactReadError) throw new UsageError(err.message);
        throw err;
      }
      const res = await ingestRuns(engine, records, {
        database: opts.database,
        ...(batchSize ? { batchSize } : {}),
        onProgress: (p) => io.stderr.write(`ingest: ${p.runsDone}/${p.runsTotal} runs, ${p.rows} rows\n`),
      });
      for (const w of res.warnings) io.stderr.write(`warning: ${w}\n`);
      if (res.migrated.length > 0) io.stderr.write(`note: database ${opts.database} migrated to schema version ${res.migrated.at(-1)}\n`);
      const rows = Object.entries(res.rows).map(([t, n]) => `${t} ${n}`).join(', ');
      io.stdout.write(`ingested ${res.runs} runs (${res.skipped} already present) into ${opts.database} in ${Math.round(res.durationMs)} ms${rows ? `: ${rows}` : ''}\n`);
    }
    if (opts.suiteTable) io.stdout.write(`${JSON.stringify(await engine.query(suiteTableQuery(opts.database, opts.suiteTable)), null, 2)}\n`);
    return 0;
  });
}
