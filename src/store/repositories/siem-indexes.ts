import type { SiemIndex, SiemIndexStore } from '../../model/index.js';
import { toNumber, type RegistryDb } from '../dialect.js';
import type { SiemIndexesTable } from '../schema.js';

/** SIEM index metadata in the registry database (both dialects). */
export function siemIndexRepository({ db }: RegistryDb): SiemIndexStore {
  return {
    async create(index) {
      await db.insertInto('siem_indexes').values({ name: index.name, retention_days: index.retentionDays, created_at: index.createdAt }).execute();
    },
    async find(name) {
      const row = await db.selectFrom('siem_indexes').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : toIndex(row);
    },
    async list() {
      const rows = await db.selectFrom('siem_indexes').selectAll().orderBy('name').execute();
      return rows.map(toIndex);
    },
    async delete(name) {
      const result = await db.deleteFrom('siem_indexes').where('name', '=', name).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },
  };
}

function toIndex(row: SiemIndexesTable): SiemIndex {
  return { name: row.name, retentionDays: toNumber(row.retention_days), createdAt: toNumber(row.created_at) };
}
