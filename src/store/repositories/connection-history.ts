import type { ConnectionHistoryEntry, ConnectionHistoryQuery, ConnectionHistoryStore, DisconnectReason, Page } from '../../model/index.js';
import { toNumber, type RegistryDb } from '../dialect.js';
import { afterKeyset, decodeKeyset, encodeKeyset, keysetPage, type KeysetFormat } from '../page-cursor.js';
import type { ConnectionHistoryTable } from '../schema.js';

/** `<connected_at>:<connection_id>`, newest first. */
const CURSOR: KeysetFormat = { separator: ':', code: 'connection_history.invalid_token' };

type Row = { [K in keyof ConnectionHistoryTable]: K extends 'connected_at' | 'disconnected_at' ? ConnectionHistoryTable[K] | string : ConnectionHistoryTable[K] };

/** The broker's connection history in the registry database (both dialects). */
export function connectionHistoryRepository({ db }: RegistryDb): ConnectionHistoryStore {
  function openIn(from: number | undefined, to: number | undefined) {
    let select = db.selectFrom('connection_history').selectAll();
    if (to !== undefined) select = select.where('connected_at', '<=', to);
    if (from !== undefined) select = select.where((eb) => eb.or([eb('disconnected_at', 'is', null), eb('disconnected_at', '>=', from)]));
    return select;
  }

  return {
    async opened(entry) {
      await db
        .insertInto('connection_history')
        .values({
          connection_id: entry.connectionId,
          client_id: entry.clientId,
          thing_name: entry.thingName ?? null,
          certificate_id: entry.certificateId,
          source_ip: entry.sourceIp ?? null,
          connected_at: entry.connectedAt,
          disconnected_at: entry.disconnectedAt ?? null,
          disconnect_reason: entry.disconnectReason ?? null,
        })
        .execute();
    },

    async closed(connectionId, disconnectedAt, reason) {
      await db
        .updateTable('connection_history')
        .set({ disconnected_at: disconnectedAt, disconnect_reason: reason })
        .where('connection_id', '=', connectionId)
        .where('disconnected_at', 'is', null)
        .execute();
    },

    async closeAllOpen(disconnectedAt, reason) {
      const result = await db.updateTable('connection_history').set({ disconnected_at: disconnectedAt, disconnect_reason: reason }).where('disconnected_at', 'is', null).executeTakeFirst();
      return toNumber(result.numUpdatedRows);
    },

    async list(query: ConnectionHistoryQuery): Promise<Page<ConnectionHistoryEntry>> {
      let select = openIn(query.from, query.to);
      if (query.clientId !== undefined) select = select.where('client_id', '=', query.clientId);
      if (query.thingName !== undefined) select = select.where('thing_name', '=', query.thingName);
      const after = decodeKeyset(CURSOR, query.cursor);
      if (after !== undefined) select = select.where((eb) => afterKeyset(eb, ['connected_at', 'connection_id'], after, 'desc'));
      const rows = await select.orderBy('connected_at', 'desc').orderBy('connection_id', 'desc').limit(query.limit + 1).execute();
      return keysetPage(rows.map(toEntry), query.limit, (e) => encodeKeyset(CURSOR, e.connectedAt, e.connectionId));
    },

    async listConnections(from, to) {
      const rows = await openIn(from, to).orderBy('connected_at').orderBy('connection_id').execute();
      return rows.map(toEntry);
    },

    async lastDisconnects() {
      // A thing is offline when none of its connections is open (count(disconnected_at) skips nulls).
      const rows = await db
        .selectFrom('connection_history')
        .select((eb) => ['thing_name', eb.fn.max('disconnected_at').as('last')])
        .where('thing_name', 'is not', null)
        .groupBy('thing_name')
        .having((eb) => eb(eb.fn.count('connection_id'), '=', eb.fn.count('disconnected_at')))
        .execute();
      return rows.map((r) => ({ thingName: r.thing_name as string, disconnectedAt: toNumber(r.last as number | string) }));
    },

    async expire(before) {
      const result = await db.deleteFrom('connection_history').where('disconnected_at', '<', before).executeTakeFirst();
      return toNumber(result.numDeletedRows);
    },
  };
}

function toEntry(row: Row): ConnectionHistoryEntry {
  return {
    connectionId: row.connection_id,
    clientId: row.client_id,
    thingName: row.thing_name ?? undefined,
    certificateId: row.certificate_id,
    sourceIp: row.source_ip ?? undefined,
    connectedAt: toNumber(row.connected_at),
    disconnectedAt: row.disconnected_at === null ? undefined : toNumber(row.disconnected_at),
    disconnectReason: (row.disconnect_reason ?? undefined) as DisconnectReason | undefined,
  };
}
