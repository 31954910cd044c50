import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { HarnessError } from '../errors/harness-error.ts';

/**
 * What ingest and the notebook queries need of a ClickHouse: statements, JSON rows in and out.
 * `HttpEngine` speaks to a server (Debian's 18.16 or any current one); the tests also run the same
 * statements in-process on a current engine through chdb (test/helpers/chdb-engine.ts).
 */
export interface SqlEngine {
  /** Where it is, for messages. */
  readonly where: string;
  command(sql: string): Promise<void>;
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

/** ClickHouse could not be reached or refused a statement. */
export class IngestError extends HarnessError {
  readonly failureKind = 'internal' as const;
  override name = 'IngestError';
}

// Wrap a failure with what was attempted and, for a refused connection, where ClickHouse was expected.
export async function attempt<T>(what: string, where: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof IngestError) throw err;
    const msg = (err as Error).message;
    const hint = /ECONNREFUSED|fetch failed|socket/i.test(msg) ? ` — is ClickHouse running and its HTTP port at ${where}?` : '';
    throw new IngestError(`ClickHouse ${what} failed: ${msg.split('\n')[0]}${hint}`, { cause: err });
  }
}

/** A ClickHouse server over its HTTP interface. */
export class HttpEngine implements SqlEngine {
  private readonly client: ClickHouseClient;

  constructor(readonly where: string) {
    // Compression off: ClickHouse 18 handles it poorly.
    this.client = createClient({ url: where, request_timeout: 60_000, compression: { request: false, response: false } });
  }

  async command(sql: string): Promise<void> {
    await attempt(`statement \`${sql.slice(0, 60).replace(/\s+/g, ' ')}…\``, this.where, () => this.client.command({ query: sql }));
  }

  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    await attempt(`insert into ${table}`, this.where, () => this.client.insert({ table, values: rows as Record<string, unknown>[], format: 'JSONEachRow' }));
  }

  async query<T>(sql: string): Promise<T[]> {
    return attempt('query', this.where, async () => (await this.client.query({ query: sql, format: 'JSONEachRow' })).json<T>());
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
