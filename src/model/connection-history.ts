import type { ConnectionRecord, ConnectionHistoryReader } from './audit.js';
import type { Page, PageRequest } from './registry.js';

/**
 * Why a connection ended, in the names of AWS IoT lifecycle events (`disconnectReason`), plus
 * `SERVER_SHUTDOWN` and `CREDENTIALS_REVOKED` (certificate or CA set INACTIVE/REVOKED, or a policy
 * change that denies Connect).
 */
export type DisconnectReason =
  | 'CLIENT_INITIATED_DISCONNECT'
  | 'DUPLICATE_CLIENTID'
  | 'MQTT_KEEP_ALIVE_TIMEOUT'
  | 'FORBIDDEN_ACCESS'
  | 'CREDENTIALS_REVOKED'
  | 'CLIENT_ERROR'
  | 'CONNECTION_LOST'
  | 'SERVER_SHUTDOWN'
  | 'SERVER_ERROR';

/** One broker connection as recorded; `connectionId` is the broker's own id for it. */
export interface ConnectionHistoryEntry extends ConnectionRecord {
  readonly connectionId: string;
  /** The thing bound to the connection; undefined for a client id that names no attached thing. */
  readonly thingName?: string | undefined;
}

export interface ConnectionHistoryQuery extends PageRequest {
  readonly clientId?: string | undefined;
  readonly thingName?: string | undefined;
  /** Connections open at any time in `[from, to]`. */
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

/**
 * The broker's connection history (kept 31 days by default) for the audit (conflicting client ids,
 * device certificate shared). Also the audit's `ConnectionHistoryReader`.
 */
export interface ConnectionHistoryStore extends ConnectionHistoryReader {
  opened(entry: ConnectionHistoryEntry): Promise<void>;
  closed(connectionId: string, disconnectedAt: number, reason: DisconnectReason): Promise<void>;
  /** Marks every still-open connection closed (a restart after a crash); returns how many. */
  closeAllOpen(disconnectedAt: number, reason: DisconnectReason): Promise<number>;
  /** Newest first. */
  list(query: ConnectionHistoryQuery): Promise<Page<ConnectionHistoryEntry>>;
  /** Deletes connections that ended before `before`; returns how many. */
  expire(before: number): Promise<number>;
  /** Things with no open connection, each with the end of its latest one (detect's disconnect-duration after a restart). */
  lastDisconnects(): Promise<ReadonlyArray<{ readonly thingName: string; readonly disconnectedAt: number }>>;
}
