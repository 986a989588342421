import type { ConnectionHistoryEntry, ConnectionHistoryQuery, ConnectionHistoryStore, DisconnectReason, Page } from '../../model/index.js';
import { toNumber, type RegistryDb } from '../dialect.js';
import type { ConnectionHistoryTable } from '../schema.js';

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
      const after = decodeCursor(query.cursor);
      if (after !== undefined) {
        select = select.where((eb) => eb.or([eb('connected_at', '<', after.at), eb.and([eb('connected_at', '=', after.at), eb('connection_id', '<', after.id)])]));
      }
      const rows = await select.orderBy('connected_at', 'desc').orderBy('connection_id', 'desc').limit(query.limit + 1).execute();
      const items = rows.slice(0, query.limit).map(toEntry);
      const last = items.at(-1);
      return { items, next: rows.length > query.limit && last !== undefined ? `${last.connectedAt}:${last.connectionId}` : undefined };
    },

    async listConnections(from, to) {
      const rows = await openIn(from, to).orderBy('connected_at').orderBy('connection_id').execute();
      return rows.map(toEntry);
    },

    async expire(before) {
      const result = await db.deleteFrom('connection_history').where('disconnected_at', '<', before).executeTakeFirst();
      return toNumber(result.numDeletedRows);
    },
  };
}

function decodeCursor(cursor: string | undefined): { at: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const index = cursor.indexOf(':');
  const at = Number(cursor.slice(0, index));
  return index > 0 && Number.isFinite(at) ? { at, id: cursor.slice(index + 1) } : undefined;
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
