import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedStatements, openSqliteFile, openSqliteRegistry } from './sqlite.js';

describe('SQLite statement cache', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const file = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-sqlite-'));
    dirs.push(dir);
    return join(dir, 'db.sqlite');
  };

  it('prepares each SQL text once and hands back the same statement', () => {
    const database = openSqliteFile(file());
    const cached = cachedStatements(database);
    const first = cached.prepare('select ? as x');
    expect(cached.prepare('select ? as x')).toBe(first);
    expect(cached.prepare('select ? as y')).not.toBe(first);
    expect(first.all([5])).toEqual([{ x: 5 }]);
    cached.close();
  });

  it('keeps at most max statements, dropping the oldest', () => {
    const database = openSqliteFile(file());
    const cached = cachedStatements(database, 2);
    const a = cached.prepare('select 1 as a');
    cached.prepare('select 2 as b');
    cached.prepare('select 3 as c');
    expect(cached.prepare('select 1 as a')).not.toBe(a);
    cached.close();
  });

  it('the registry through Kysely reuses statements and still sees writes and schema changes', async () => {
    const registry = openSqliteRegistry(file());
    const db = registry.db;
    await sql`create table t (k text primary key, v integer)`.execute(db);
    for (let i = 0; i < 3; i++) await sql`insert into t (k, v) values (${`k${i}`}, ${i})`.execute(db);
    const before = await sql<{ k: string; v: number }>`select * from t order by k`.execute(db);
    expect(before.rows).toEqual([{ k: 'k0', v: 0 }, { k: 'k1', v: 1 }, { k: 'k2', v: 2 }]);
    // The same SQL text again after the table changed: the kept statement sees the new column.
    await sql`alter table t add column w integer default 7`.execute(db);
    const after = await sql<{ k: string; v: number; w: number }>`select * from t order by k`.execute(db);
    expect(after.rows).toEqual([{ k: 'k0', v: 0, w: 7 }, { k: 'k1', v: 1, w: 7 }, { k: 'k2', v: 2, w: 7 }]);
    await registry.close();
  });
});
