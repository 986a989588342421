import { FakeTime } from '../../src/core/index.js';
import { EventStore, runSearch, type SearchRequest, type SearchResult } from '../../src/siem/index.js';
import { SPL_MACROS } from '../../src/siem/spl/relation.js';
import { migrateDuckDb, openDuckDb, type EventsDb } from '../../src/store/index.js';
import { NOW_MS, demoCorpus } from './corpus.js';

export interface GoldenStore {
  search(request: SearchRequest): Promise<SearchResult>;
  close(): Promise<void>;
}

/** An in-memory event store loaded with the demo corpus, searched at a fixed "now". */
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
  return {
    search: (request) => runSearch({ db, clock: time, timer: time, maxRows: 50_000, timeoutMs: 60_000 }, request),
    async close() {
      await store.close();
      await db.close();
    },
  };
}
