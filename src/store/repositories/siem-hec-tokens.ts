import type { HecToken, HecTokenStore } from '../../model/index.js';
import { fromJson, toJson, toNumber, type RegistryDb } from '../dialect.js';
import type { HecTokensTable } from '../schema.js';

/** HEC tokens in the registry database (both dialects). */
export function hecTokenRepository({ db }: RegistryDb): HecTokenStore {
  return {
    async create(token) {
      await db
        .insertInto('hec_tokens')
        .values({
          name: token.name,
          token: token.token,
          description: token.description,
          disabled: token.disabled ? 1 : 0,
          default_index: token.index,
          allowed_indexes: toJson(token.indexes),
          sourcetype: token.sourcetype ?? null,
          source: token.source ?? null,
          host: token.host ?? null,
          use_ack: token.useAck ? 1 : 0,
          allow_query_string_auth: token.allowQueryStringAuth ? 1 : 0,
          created_at: token.createdAt,
        })
        .execute();
    },
    async findByToken(token) {
      const row = await db.selectFrom('hec_tokens').selectAll().where('token', '=', token).executeTakeFirst();
      return row === undefined ? undefined : toHecToken(row);
    },
    async findByName(name) {
      const row = await db.selectFrom('hec_tokens').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : toHecToken(row);
    },
    async list() {
      const rows = await db.selectFrom('hec_tokens').selectAll().orderBy('created_at').orderBy('name').execute();
      return rows.map(toHecToken);
    },
    async setDisabled(name, disabled) {
      const result = await db.updateTable('hec_tokens').set({ disabled: disabled ? 1 : 0 }).where('name', '=', name).executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async delete(name) {
      const result = await db.deleteFrom('hec_tokens').where('name', '=', name).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },
  };
}

function toHecToken(row: HecTokensTable): HecToken {
  return {
    name: row.name,
    token: row.token,
    description: row.description,
    disabled: toNumber(row.disabled) !== 0,
    index: row.default_index,
    indexes: fromJson<string[]>(row.allowed_indexes, []),
    sourcetype: row.sourcetype ?? undefined,
    source: row.source ?? undefined,
    host: row.host ?? undefined,
    useAck: toNumber(row.use_ack) !== 0,
    allowQueryStringAuth: toNumber(row.allow_query_string_auth) !== 0,
    createdAt: toNumber(row.created_at),
  };
}
