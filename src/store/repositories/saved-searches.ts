import type { Kysely } from 'kysely';
import type { AlertDefinition, AlertRun, SavedSearch, SavedSearchStore } from '../../model/index.js';
import { fromJson, toJson, toNumber, type RegistryDb } from '../dialect.js';

interface SavedSearchesTable {
  name: string;
  description: string;
  search: string;
  earliest: string;
  latest: string;
  cron: string;
  enabled: number;
  alert: string | null;
  bundled: number;
  created_at: number | string;
  updated_at: number | string;
}

interface AlertTables {
  siem_saved_searches: SavedSearchesTable;
  siem_alert_runs: { id: string; search_name: string; time: number | string; seq: number | string; run: string };
  siem_alert_suppressions: { search_name: string; throttle_key: string; until_ms: number | string };
  siem_bundled_searches: { name: string; installed_at: number | string };
}

/** Saved searches, alert history and throttle state in the registry database (both dialects; tables of migration 011). */
export function savedSearchRepository(registry: RegistryDb): SavedSearchStore {
  // The tables belong to this repository alone; it types them itself rather than through schema.ts.
  const db = registry.db as unknown as Kysely<AlertTables>;
  return {
    async list() {
      const rows = await db.selectFrom('siem_saved_searches').selectAll().orderBy('name').execute();
      return rows.map(toSavedSearch);
    },
    async get(name) {
      const row = await db.selectFrom('siem_saved_searches').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : toSavedSearch(row);
    },
    async create(search) {
      const result = await db.insertInto('siem_saved_searches').values(toRow(search)).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async update(search) {
      const { name, created_at: _created, ...rest } = toRow(search);
      const result = await db.updateTable('siem_saved_searches').set(rest).where('name', '=', name).executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async delete(name) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('siem_alert_runs').where('search_name', '=', name).execute();
        await trx.deleteFrom('siem_alert_suppressions').where('search_name', '=', name).execute();
        const result = await trx.deleteFrom('siem_saved_searches').where('name', '=', name).executeTakeFirst();
        return toNumber(result.numDeletedRows) > 0;
      });
    },
    async installBundled(search) {
      return db.transaction().execute(async (trx) => {
        const marked = await trx.insertInto('siem_bundled_searches').values({ name: search.name, installed_at: search.createdAt }).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
        if (toNumber(marked.numInsertedOrUpdatedRows) === 0) return false;
        const created = await trx.insertInto('siem_saved_searches').values(toRow(search)).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
        return toNumber(created.numInsertedOrUpdatedRows) > 0;
      });
    },
    async addRun(run, keep) {
      await db.transaction().execute(async (trx) => {
        const last = await trx.selectFrom('siem_alert_runs').select((eb) => eb.fn.max('seq').as('seq')).where('search_name', '=', run.searchName).executeTakeFirst();
        const seq = toNumber(last?.seq) + 1;
        await trx.insertInto('siem_alert_runs').values({ id: run.id, search_name: run.searchName, time: run.time, seq, run: toJson(run) }).execute();
        await trx.deleteFrom('siem_alert_runs').where('search_name', '=', run.searchName).where('seq', '<=', seq - keep).execute();
      });
    },
    async listRuns(name, limit) {
      const rows = await db.selectFrom('siem_alert_runs').select('run').where('search_name', '=', name).orderBy('seq', 'desc').limit(limit).execute();
      return rows.map((r) => fromJson<AlertRun>(r.run, undefined as unknown as AlertRun));
    },
    async suppressedKeys(name, now) {
      const rows = await db.selectFrom('siem_alert_suppressions').select('throttle_key').where('search_name', '=', name).where('until_ms', '>', now).execute();
      return new Set(rows.map((r) => r.throttle_key));
    },
    async suppress(name, keys, until) {
      if (keys.length === 0) return;
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('siem_alert_suppressions').where('search_name', '=', name).where('until_ms', '<', until - 366 * 86_400_000).execute();
        for (const key of new Set(keys)) {
          await trx
            .insertInto('siem_alert_suppressions')
            .values({ search_name: name, throttle_key: key, until_ms: until })
            .onConflict((oc) => oc.columns(['search_name', 'throttle_key']).doUpdateSet({ until_ms: until }))
            .execute();
        }
      });
    },
  };
}

function toRow(search: SavedSearch): SavedSearchesTable {
  return {
    name: search.name,
    description: search.description,
    search: search.search,
    earliest: search.earliest,
    latest: search.latest,
    cron: search.cron,
    enabled: search.enabled ? 1 : 0,
    alert: search.alert === undefined ? null : toJson(search.alert),
    bundled: search.bundled ? 1 : 0,
    created_at: search.createdAt,
    updated_at: search.updatedAt,
  };
}

function toSavedSearch(row: SavedSearchesTable): SavedSearch {
  const alert = fromJson<AlertDefinition | null>(row.alert, null);
  return {
    name: row.name,
    description: row.description,
    search: row.search,
    earliest: row.earliest,
    latest: row.latest,
    cron: row.cron,
    enabled: toNumber(row.enabled) === 1,
    ...(alert === null ? {} : { alert }),
    bundled: toNumber(row.bundled) === 1,
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}
