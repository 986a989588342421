import type { AccessKey, AccessKeyStore } from '../../model/index.js';
import { toNumber, type RegistryDb } from '../dialect.js';

/** Access keys in the registry database (both dialects). */
export function accessKeyRepository({ db }: RegistryDb): AccessKeyStore {
  return {
    async create(key) {
      await db
        .insertInto('access_keys')
        .values({ access_key_id: key.accessKeyId, secret_access_key: key.secretAccessKey, description: key.description, created_at: key.createdAt })
        .execute();
    },
    async find(accessKeyId) {
      const row = await db.selectFrom('access_keys').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst();
      return row === undefined ? undefined : toAccessKey(row);
    },
    async list() {
      const rows = await db.selectFrom('access_keys').selectAll().orderBy('created_at').orderBy('access_key_id').execute();
      return rows.map(toAccessKey);
    },
    async delete(accessKeyId) {
      const result = await db.deleteFrom('access_keys').where('access_key_id', '=', accessKeyId).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },
  };
}

function toAccessKey(row: { access_key_id: string; secret_access_key: string; description: string; created_at: number | string }): AccessKey {
  return { accessKeyId: row.access_key_id, secretAccessKey: row.secret_access_key, description: row.description, createdAt: toNumber(row.created_at) };
}
