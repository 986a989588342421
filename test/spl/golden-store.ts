import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FakeTime } from '../../src/core/index.js';
import { LookupStore } from '../../src/siem/lookups/index.js';
import { EventStore, runSearch, type SearchRequest, type SearchResult } from '../../src/siem/index.js';
import { SPL_MACROS } from '../../src/siem/spl/relation.js';
import { migrateDuckDb, openDuckDb, type EventsDb } from '../../src/store/index.js';
import { NOW_MS, demoCorpus } from './corpus.js';

export interface GoldenStore {
  search(request: SearchRequest): Promise<SearchResult>;
  /** The store's lookups (test/spl/lookups/*.csv are loaded); tests may upload more. */
  readonly lookups: LookupStore;
  /** The searches' clock and timer (search timeouts fire when it is advanced). */
  readonly time: FakeTime;
  close(): Promise<void>;
}

/** An in-memory event store loaded with the demo corpus and the lookups in test/spl/lookups/, searched at a fixed "now". */
export async function openGoldenStore(): Promise<GoldenStore> {
  const opened = await openDuckDb(':memory:', { threads: 1 });
  if (!opened.ok) throw opened.error;
  const db: EventsDb = opened.value;
  const migrated = await migrateDuckDb(db);
  if (!migrated.ok) throw migrated.error;
  for (const macro of SPL_MACROS) await db.connection.run(macro);
  const time = new FakeTime(NOW_MS);
  const store = await EventStore.open(db, time);
  await store.append(demoCorpus());
  const lookups = new LookupStore(db, time);
  const dir = join(import.meta.dirname, 'lookups');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) await lookups.upload(file, readFileSync(join(dir, file), 'utf8'));
  return {
    lookups,
    time,
    search: (request) => runSearch({ db, clock: time, timer: time, maxRows: 50_000, timeoutMs: 60_000 }, request),
    async close() {
      await store.close();
      await db.close();
    },
  };
}
