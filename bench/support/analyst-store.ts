import { join } from 'node:path';
import { FakeTime } from '../../src/core/index.js';
import { EventStore, LookupStore, runSearch, type SearchRequest, type SearchResult } from '../../src/siem/index.js';
import { SPL_MACROS } from '../../src/siem/spl/relation.js';
import { migrateDuckDb, openDuckDb } from '../../src/store/index.js';
import { tempDir } from '../../test/support/temp.js';
import { analystCorpus, thingsCsv } from './analyst-queries.js';

/** The analyst workload's "now": 2026-03-08T00:00:00Z, the end of the corpus' 7 days. */
export const ANALYST_NOW_MS = Date.UTC(2026, 2, 8);

export interface AnalystStore {
  search(request: SearchRequest): Promise<SearchResult>;
  close(): Promise<void>;
}

/**
 * A DuckDB event store on disk (in a temp folder) holding `events` events of the analyst corpus and
 * the `things` lookup, searched at a fixed "now" through the same runSearch the server uses.
 */
export async function openAnalystStore(events: number, progress: (stored: number) => void = () => undefined): Promise<AnalystStore> {
  const dir = tempDir('vigil-analyst-');
  const opened = await openDuckDb(join(dir.path, 'events.duckdb'), {});
  if (!opened.ok) throw opened.error;
  const db = opened.value;
  const migrated = await migrateDuckDb(db);
  if (!migrated.ok) throw migrated.error;
  for (const macro of SPL_MACROS) await db.connection.run(macro);
  const time = new FakeTime(ANALYST_NOW_MS);
  const store = await EventStore.open(db, time);
  let stored = 0;
  for (const batch of analystCorpus(events, ANALYST_NOW_MS)) {
    await store.append(batch);
    stored += batch.length;
    progress(stored);
  }
  await db.connection.run('checkpoint');
  await new LookupStore(db, time).upload('things', thingsCsv());
  return {
    search: (request) => runSearch({ db, clock: time, timer: time, maxRows: 50_000, timeoutMs: 120_000 }, request),
    async close() {
      await store.close();
      await db.close();
      dir.remove();
    },
  };
}
