import { VigilError, type Clock } from '../../core/index.js';
import type { EventsDb } from '../../store/index.js';
import { LOOKUP_NAME, LOOKUP_NAME_HINT, LOOKUP_ROW_COLUMN, LOOKUP_SCHEMA, lookupTableSql, readLookupCatalog, type LookupMeta } from './catalog.js';
import { LOOKUP_LIMITS, parseLookupCsv, type LookupLimits } from './csv.js';

/** One stored lookup as the API and CLI show it. */
export interface LookupInfo {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: number;
  readonly bytes: number;
  readonly updatedAt: number;
}

/**
 * CSV lookups stored in the event DuckDB, one table per lookup in schema `siem_lookups` (so searches
 * join them directly). Each table has `__row` (file order) then one VARCHAR column per header name;
 * its comment holds the row count, size, upload time and which columns are unique. An upload
 * replaces the table in one transaction: a search sees the old file or the new one, never half.
 */
export class LookupStore {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: EventsDb, private readonly clock: Clock, private readonly limits: LookupLimits = LOOKUP_LIMITS) {}

  async list(): Promise<LookupInfo[]> {
    const catalog = await readLookupCatalog(this.db.connection);
    return [...catalog.values()].map((t) => infoOf(t.name, t.columns, t.meta));
  }

  async get(name: string): Promise<LookupInfo> {
    const found = (await readLookupCatalog(this.db.connection)).get(name);
    if (found === undefined) throw notFound(name);
    return infoOf(found.name, found.columns, found.meta);
  }

  /** Validates the CSV (header, same field count on every line, limits) and stores it under `name`, replacing any earlier file. */
  upload(name: string, text: string): Promise<LookupInfo> {
    return this.serial(async () => {
      checkName(name);
      const parsed = parseLookupCsv(text, this.limits);
      if (!parsed.ok) throw parsed.error;
      const { columns, rows } = parsed.value;
      const unique = columns.filter((_, k) => {
        const values = rows.map((r) => r[k]).filter((v): v is string => v !== null && v !== undefined);
        return new Set(values).size === values.length;
      });
      const meta: LookupMeta = { rows: rows.length, bytes: Buffer.byteLength(text, 'utf8'), updatedMs: this.clock.now(), unique };
      const table = lookupTableSql(name);
      const connection = await this.db.connect();
      try {
        await connection.run(`create schema if not exists ${LOOKUP_SCHEMA}`);
        await connection.run('begin transaction');
        try {
          const defs = [`"${LOOKUP_ROW_COLUMN}" INTEGER`, ...columns.map((c) => `"${c.replace(/"/g, '""')}" VARCHAR`)];
          await connection.run(`create or replace table ${table} (${defs.join(', ')})`);
          const appender = await connection.createAppender(name, LOOKUP_SCHEMA);
          rows.forEach((row, index) => {
            appender.appendInteger(index + 1);
            for (const value of row) {
              if (value === null) appender.appendNull();
              else appender.appendVarchar(value);
            }
            appender.endRow();
          });
          appender.closeSync();
          await connection.run(`comment on table ${table} is '${JSON.stringify(meta).replace(/'/g, "''")}'`);
          await connection.run('commit');
        } catch (error) {
          await connection.run('rollback').catch(() => undefined);
          throw new VigilError('lookup.store_failed', `storing lookup ${name} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
        }
      } finally {
        connection.closeSync();
      }
      return infoOf(name, columns, meta);
    });
  }

  delete(name: string): Promise<void> {
    return this.serial(async () => {
      const catalog = await readLookupCatalog(this.db.connection);
      if (!catalog.has(name)) throw notFound(name);
      await this.db.connection.run(`drop table if exists ${lookupTableSql(name)}`);
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.chain.then(task, task);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

function infoOf(name: string, columns: readonly string[], meta: LookupMeta): LookupInfo {
  return { name, columns, rows: meta.rows, bytes: meta.bytes, updatedAt: meta.updatedMs };
}

function checkName(name: string): void {
  if (!LOOKUP_NAME.test(name)) {
    throw new VigilError('lookup.invalid_name', `invalid lookup name "${name}"`, { hint: LOOKUP_NAME_HINT });
  }
}

function notFound(name: string): VigilError {
  return new VigilError('lookup.not_found', `no lookup ${name}`, { hint: 'list them with `vigil lookup list`' });
}
