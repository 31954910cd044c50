import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SqlEngine } from '../../harness/ingest/sql-engine.ts';

/**
 * A current ClickHouse engine (26.x) in this process through the npm package chdb, behind the same
 * SqlEngine surface as a server: the tests run the ingest DDL and queries on it as well as on
 * Debian's ClickHouse 18.16, so nothing the harness writes depends on one version.
 */
/** The part of chdb's Session this engine uses (chdb is installed on demand, so its types may be absent). */
interface ChdbSession {
  queryAsync(sql: string, options?: { format?: string }): Promise<{ text(): string }>;
  close(): void;
}

/** chdb's version, installed by .ci/install-chdb.sh (not in package.json: npm ci cannot lock its other platforms' binaries). */
export const CHDB_PACKAGE = 'chdb';

export class ChdbEngine implements SqlEngine {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'chdb-'));
  readonly where = `chdb (in-process) at ${this.dir}`;
  private session: ChdbSession | undefined;

  async open(): Promise<this> {
    let chdb: { Session: new (dir: string) => ChdbSession };
    try {
      chdb = (await import(CHDB_PACKAGE)) as typeof chdb;
    } catch (err) {
      throw new Error(`the chdb package cannot be loaded: run bash .ci/install-chdb.sh (npm test's pretest does): ${(err as Error).message}`);
    }
    this.session = new chdb.Session(path.join(this.dir, 'data'));
    return this;
  }

  private get s(): ChdbSession {
    if (!this.session) throw new Error('ChdbEngine used before open()');
    return this.session;
  }

  async command(sql: string): Promise<void> {
    await this.s.queryAsync(sql);
  }

  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.s.queryAsync(`INSERT INTO ${table} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
  }

  async query<T>(sql: string): Promise<T[]> {
    const text = (await this.s.queryAsync(sql, { format: 'JSONEachRow' })).text();
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
  }

  async close(): Promise<void> {
    this.session?.close();
    this.session = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
