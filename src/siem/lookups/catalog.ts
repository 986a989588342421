import type { DuckDBConnection } from '@duckdb/node-api';

/** The DuckDB schema holding one table per lookup (`siem_lookups."<name>"`). */
export const LOOKUP_SCHEMA = 'siem_lookups';
/** Row number in file order, the first column of every lookup table. */
export const LOOKUP_ROW_COLUMN = '__row';

/** What the SPL compiler knows about one lookup: its table and columns. */
export interface LookupTable {
  readonly name: string;
  /** Qualified, quoted SQL name of its table. */
  readonly sql: string;
  /** Columns in header order (all VARCHAR). */
  readonly columns: readonly string[];
  /** Columns whose non-empty values are all distinct (a key on one of them matches at most one row). */
  readonly unique: readonly string[];
}

/** Every lookup by name. */
export type LookupCatalog = ReadonlyMap<string, LookupTable>;

/** What each table's comment records at upload. */
export interface LookupMeta {
  readonly rows: number;
  readonly bytes: number;
  readonly updatedMs: number;
  readonly unique: readonly string[];
}

/** Lookup names: what `lookup <name>` and `inputlookup <name>` accept without quoting. */
export const LOOKUP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const LOOKUP_NAME_HINT = 'use letters, digits, _ . - (up to 100), starting with a letter or digit, e.g. users.csv';

export function lookupTableSql(name: string): string {
  return `${LOOKUP_SCHEMA}."${name.replace(/"/g, '""')}"`;
}

export function parseMeta(comment: unknown): LookupMeta {
  try {
    const value = JSON.parse(String(comment ?? '{}')) as Partial<LookupMeta>;
    return { rows: Number(value.rows ?? 0), bytes: Number(value.bytes ?? 0), updatedMs: Number(value.updatedMs ?? 0), unique: Array.isArray(value.unique) ? value.unique.map(String) : [] };
  } catch {
    return { rows: 0, bytes: 0, updatedMs: 0, unique: [] };
  }
}

/**
 * Reads every lookup's table and columns from DuckDB's own catalog (no DDL, so it works before
 * any lookup exists). The executor calls it before compiling a query that names a lookup.
 */
export async function readLookupCatalog(connection: DuckDBConnection): Promise<Map<string, LookupTable & { readonly meta: LookupMeta }>> {
  const tables = (await connection.runAndReadAll(`select table_name, comment from duckdb_tables() where schema_name = '${LOOKUP_SCHEMA}' order by table_name`)).getRowObjectsJS();
  const columns = (await connection.runAndReadAll(`select table_name, column_name from duckdb_columns() where schema_name = '${LOOKUP_SCHEMA}' order by table_name, column_index`)).getRowObjectsJS();
  const byTable = new Map<string, string[]>();
  for (const row of columns) {
    const table = String(row['table_name']);
    const column = String(row['column_name']);
    if (column === LOOKUP_ROW_COLUMN) continue;
    byTable.set(table, [...(byTable.get(table) ?? []), column]);
  }
  const out = new Map<string, LookupTable & { readonly meta: LookupMeta }>();
  for (const row of tables) {
    const name = String(row['table_name']);
    const meta = parseMeta(row['comment']);
    out.set(name, { name, sql: lookupTableSql(name), columns: byTable.get(name) ?? [], unique: meta.unique, meta });
  }
  return out;
}
