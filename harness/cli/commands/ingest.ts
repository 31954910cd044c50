import { connectClickHouse, ingestRuns, IngestError, suiteTableQuery } from '../../ingest/ingest.ts';
import { collectRunRecords, RunRecordError } from '../../report/run-records.ts';
import type { CliIo } from '../main.ts';
import { UsageError } from '../errors.ts';

// `harness ingest ARTIFACTS… --clickhouse URL`: idempotent load of run results; `--suite-table ID` prints a suite's table.
export async function ingestCommand(paths: string[], opts: { clickhouse?: string; database: string; suiteTable?: string }, io: CliIo): Promise<number> {
  const url = opts.clickhouse ?? process.env.HARNESS_CLICKHOUSE_URL;
  if (!url) throw new UsageError('--clickhouse URL is required (e.g. http://127.0.0.1:8123), or set HARNESS_CLICKHOUSE_URL');
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--clickhouse must be an http(s) URL of ClickHouse's HTTP interface, got "${url}"`);
  const client = connectClickHouse(url);
  try {
    if (paths.length > 0) {
      let records;
      try {
        records = collectRunRecords(paths);
      } catch (err) {
        if (err instanceof RunRecordError) throw new UsageError(err.message);
        throw err;
      }
      const res = await ingestRuns(client, records, { url, database: opts.database });
      const rows = Object.entries(res.rows).map(([t, n]) => `${t} ${n}`).join(', ');
      io.stdout.write(`ingested ${res.runs} runs (${res.skipped} already present) into ${opts.database} in ${Math.round(res.durationMs)} ms${rows ? `: ${rows}` : ''}\n`);
    }
    if (opts.suiteTable) {
      const result = await client.query({ query: suiteTableQuery(opts.database, opts.suiteTable), format: 'JSONEachRow' });
      const rows = await result.json<Record<string, unknown>>();
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof IngestError) {
      io.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await client.close();
  }
}
