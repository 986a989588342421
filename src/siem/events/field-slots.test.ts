import { afterEach, describe, expect, it } from 'vitest';
import { FakeTime } from '../../core/index.js';
import { migrateDuckDb, openDuckDb, type EventsDb } from '../../store/index.js';
import { runSearch } from '../spl/execute.js';
import { SPL_MACROS } from '../spl/relation.js';
import { EventStore, type StoredEvent } from './event-store.js';
import { FIELD_SLOTS, macroSql } from './field-slots.js';

const T0 = Date.UTC(2026, 0, 1);
const open: Array<{ store: EventStore; db: EventsDb }> = [];

async function fresh(): Promise<{ store: EventStore; db: EventsDb; time: FakeTime }> {
  const opened = await openDuckDb(':memory:', { threads: 1 });
  if (!opened.ok) throw opened.error;
  const db = opened.value;
  const migrated = await migrateDuckDb(db);
  if (!migrated.ok) throw migrated.error;
  for (const macro of SPL_MACROS) await db.connection.run(macro);
  const time = new FakeTime(T0);
  const store = await EventStore.open(db, time);
  open.push({ store, db });
  return { store, db, time };
}

function event(raw: string, extra: Partial<StoredEvent> = {}): StoredEvent {
  return { time: T0, index: 'main', sourcetype: 'json', source: 's', host: 'h', raw, ...extra };
}

async function rows(db: EventsDb, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await db.connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
}

/** Every slot column equals DuckDB's own extraction from raw on every JSON row. */
async function slotMismatches(db: EventsDb): Promise<number> {
  const slots = await rows(db, 'select slot, path from siem_field_slots');
  let bad = 0;
  for (const { slot, path } of slots) {
    const [row] = await rows(db, `select count(*) as n from siem_events where is_json and x${Number(slot)} is distinct from json_extract_string(raw, '${String(path)}')`);
    bad += Number(row?.['n']);
  }
  return bad;
}

afterEach(async () => {
  for (const { store, db } of open.splice(0)) {
    await store.close();
    await db.close();
  }
});

describe('ingest-time JSON field slots', () => {
  it('assigns slots to the scalar leaves of committed JSON events and fills them with exactly what json_extract_string returns', async () => {
    const { store, db } = await fresh();
    await store.append([
      event('{"name":"aws:num-listening-tcp-ports","thing":"pump-1","value":{"count":2.50,"ports":[22,80]},"ok":true,"esc":"a\\"b\\u00e9","nothing":null}'),
      event('{"name":"other","thing":"pump-2","value":{"count":3}}'),
      event('name=kv thing=pump-3', { isJson: false }),
    ]);
    const paths = (await rows(db, 'select path from siem_field_slots order by slot')).map((r) => r['path']);
    expect(paths).toEqual(['$.name', '$.thing', '$.value.count', '$.ok', '$.esc']);
    expect(await slotMismatches(db)).toBe(0);
    const [first] = await rows(db, "select x2, x4 from siem_events where raw like '%pump-1%'");
    expect(first).toEqual({ x2: '2.5', x4: 'a"bé' });
  });

  it('backfills a slot assigned later over the events stored before it', async () => {
    const { store, db } = await fresh();
    await store.append([event('{"a":"1"}'), event('{"a":"2","late":"old"}')]);
    await store.append([event('{"late":"new"}')]);
    const paths = (await rows(db, 'select path from siem_field_slots order by slot')).map((r) => r['path']);
    expect(paths).toContain('$.late');
    expect(await slotMismatches(db)).toBe(0);
    const late = await rows(db, `select x${paths.indexOf('$.late')} as v from siem_events order by serial`);
    expect(late.map((r) => r['v'])).toEqual([null, 'old', 'new']);
  });

  it('stops at the slot limit and still searches fields without a slot by parsing _raw', async () => {
    const { store, db, time } = await fresh();
    const wide = Object.fromEntries(Array.from({ length: FIELD_SLOTS + 4 }, (_v, i) => [`f${i}`, `v${i}`]));
    await store.append([event(JSON.stringify(wide))]);
    const [count] = await rows(db, 'select count(*) as n from siem_field_slots');
    expect(Number(count?.['n'])).toBe(FIELD_SLOTS);
    const result = await runSearch({ db, clock: time, timer: time, maxRows: 100, timeoutMs: 60_000 }, { query: `index=main f${FIELD_SLOTS + 2}=v${FIELD_SLOTS + 2} f0=v0 | table f0 f${FIELD_SLOTS + 3}` });
    expect(result.rows).toEqual([{ f0: 'v0', [`f${FIELD_SLOTS + 3}`]: `v${FIELD_SLOTS + 3}` }]);
  });

  it('gives the same search results from the slots as from parsing _raw', async () => {
    const { store, db, time } = await fresh();
    const events: StoredEvent[] = [];
    for (let i = 0; i < 60; i++) events.push(event(JSON.stringify({ name: i % 3 === 0 ? 'AWS:Ports' : 'aws:other', thing: `t${i % 4}`, value: { count: i % 5, ports: [22, i] } }), { time: T0 + i * 1000 }));
    events.push(event('name=aws:ports thing=t9', { isJson: false, time: T0 + 70_000 }));
    await store.append(events);
    const deps = { db, clock: time, timer: time, maxRows: 1000, timeoutMs: 60_000 };
    const queries = [
      'index=main | spath name | search name="aws:ports" | chart max(value.count) as c over _time span=10s by thing',
      'index=main thing=t1 | spath value.ports{} output=p | mvexpand p | stats count by p name',
      'index=main | eval _raw="{\\"name\\":\\"swapped\\"}" | spath name | stats count by name',
      'index=main | where thing="t2" | table _time name thing value.count',
    ];
    const withSlots = await Promise.all(queries.map((query) => runSearch(deps, { query, earliest: '0' })));
    expect(withSlots[0]?.rows.length).toBeGreaterThan(0);
    expect(withSlots[2]?.rows).toEqual([{ name: 'swapped', count: '60' }]);
    // The same searches with the macro reset to parsing _raw for every path.
    await db.connection.run(macroSql([]));
    const parsed = await Promise.all(queries.map((query) => runSearch(deps, { query, earliest: '0' })));
    expect(withSlots.map((r) => r.rows)).toEqual(parsed.map((r) => r.rows));
    expect(withSlots[0]?.compiled.sql).toContain('spl_json_field');
  });

  it('reads slots only where a command extracts from _raw: a string value that looks like that SQL stays as typed', async () => {
    const { store, db, time } = await fresh();
    await store.append([event('{"a":"x"}')]);
    const deps = { db, clock: time, timer: time, maxRows: 1000, timeoutMs: 60_000 };
    const typed = `json_extract_string("_raw", ')`;
    const result = await runSearch(deps, { query: `index=main | eval s="${typed.replace(/"/g, '\\"')}", v=spath(_raw, "a") | table s v`, earliest: '0' });
    expect(result.rows).toEqual([{ s: typed, v: 'x' }]);
    expect(result.compiled.sql).toContain('spl_json_field');
  });
});
