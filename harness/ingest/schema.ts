// SQL text helpers. ClickHouse 18.x (Debian's clickhouse-server) has no query parameters, so
// identifiers are checked and values escaped here; names come from flags and artifacts.

// A safe identifier (database names come from the command line).
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a valid ClickHouse identifier: ${name} (letters, digits, _)`);
  return name;
}

// A string literal.
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

// ReplacingMergeTree keyed by the given columns: re-inserting a row replaces it at merge time.
export const engine = (order: string): string => `ENGINE = ReplacingMergeTree() ORDER BY (${order})`;
