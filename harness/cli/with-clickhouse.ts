import { HttpEngine, IngestError, type SqlEngine } from '../ingest/ingest.ts';
import type { CliIo } from './main.ts';

// Run `fn` against ClickHouse over HTTP, always closing the connection. ClickHouse refusing or
// being unreachable is exit 1 with its message; anything else (bad input: UsageError) propagates.
export async function withClickHouse(url: string, io: CliIo, fn: (engine: SqlEngine) => Promise<number>): Promise<number> {
  const engine = new HttpEngine(url);
  try {
    return await fn(engine);
  } catch (err) {
    if (!(err instanceof IngestError)) throw err;
    io.stderr.write(`error: ${err.message}\n`);
    return 1;
  } finally {
    await engine.close();
  }
}
