import type { Dashboard, DashboardPanel, DashboardStore } from '../../model/index.js';
import { fromJson, toJson, toNumber, type RegistryDb } from '../dialect.js';

/** Console dashboards in the registry database (both dialects). */
export function dashboardRepository({ db }: RegistryDb): DashboardStore {
  return {
    async list() {
      const rows = await db.selectFrom('console_dashboards').selectAll().orderBy('name').orderBy('id').execute();
      return rows.map(toDashboard);
    },
    async get(id) {
      const row = await db.selectFrom('console_dashboards').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toDashboard(row);
    },
    async create(dashboard) {
      const result = await db
        .insertInto('console_dashboards')
        .values({ id: dashboard.id, name: dashboard.name, description: dashboard.description, panels: toJson(dashboard.panels), version: dashboard.version, created_at: dashboard.createdAt, updated_at: dashboard.updatedAt })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async update(id, change, expectedVersion, now) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('console_dashboards').selectAll().where('id', '=', id).executeTakeFirst();
        if (row === undefined) return 'missing' as const;
        if (toNumber(row.version) !== expectedVersion) return 'conflict' as const;
        const result = await trx
          .updateTable('console_dashboards')
          .set({ name: change.name, description: change.description, panels: toJson(change.panels), version: expectedVersion + 1, updated_at: now })
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .executeTakeFirst();
        if (toNumber(result.numUpdatedRows) === 0) return 'conflict' as const;
        return toDashboard({ ...row, name: change.name, description: change.description, panels: toJson(change.panels), version: expectedVersion + 1, updated_at: now });
      });
    },
    async delete(id) {
      const result = await db.deleteFrom('console_dashboards').where('id', '=', id).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },
  };
}

function toDashboard(row: { id: string; name: string; description: string; panels: string; version: number | string; created_at: number | string; updated_at: number | string }): Dashboard {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    panels: fromJson<DashboardPanel[]>(row.panels, []),
    version: toNumber(row.version),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}
