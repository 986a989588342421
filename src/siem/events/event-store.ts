import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { VigilError, type Clock } from '../../core/index.js';
import type { EventLog, SiemEvent } from '../../model/index.js';
import { migrateDuckDb, type EventsDb } from '../../store/index.js';
import { EVENT_MIGRATIONS } from './event-schema.js';
import { FieldSlots } from './field-slots.js';

/** An event to store; `isJson` when the producer knows (HEC object bodies), else `raw` is checked. */
export type StoredEvent = SiemEvent & { readonly isJson?: boolean };

interface Pending {
  readonly events: readonly StoredEvent[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Columns the appender fills (in order); the staging table has exactly these. */
export const STAGED_COLUMNS = ['time_ms', 'index', 'sourcetype', 'source', 'host', 'raw', 'is_json', 'fields', 'indextime_ms', 'serial'] as const;

/** Events of one commit sampled for new JSON fields (see FieldSlots). */
const DISCOVERY_SAMPLE = 16;

/** Calls `visit` on up to DISCOVERY_SAMPLE JSON-looking events spread evenly over the commit. */
function sample(batch: readonly Pending[], visit: (event: StoredEvent) => void): void {
  const total = batch.reduce((n, p) => n + p.events.length, 0);
  const step = Math.max(1, Math.floor(total / DISCOVERY_SAMPLE));
  let next = 0;
  let offset = 0;
  for (const pending of batch) {
    for (; next < offset + pending.events.length; next += step) {
      const event = pending.events[next - offset] as StoredEvent;
      if (event.isJson !== false) visit(event);
    }
    offset += pending.events.length;
  }
}

/**
 * The SIEM event store on DuckDB. Writes are batched: every `append` of the same tick joins one
 * commit, and its promise resolves only after that commit, which is what HEC indexer
 * acknowledgement waits for. The appender fills a temporary staging table (no WAL); one
 * `INSERT … SELECT` per commit moves the rows into `siem_events`, extracting the slotted JSON fields
 * on DuckDB's threads rather than on the event loop.
 */
export class EventStore implements EventLog {
  private writer: DuckDBConnection | undefined;
  private appender: DuckDBAppender | undefined;
  private serial = 0n;
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing: Promise<void> | undefined;
  private holds = 0;
  private closed = false;
  private slots: FieldSlots | undefined;
  private insertSql = '';

  private constructor(readonly db: EventsDb, private readonly clock: Clock) {}

  /** Creates or updates the event table; returns the migrations applied now. */
  static async migrate(db: EventsDb): Promise<string[]> {
    const migrated = await migrateDuckDb(db, EVENT_MIGRATIONS);
    if (!migrated.ok) throw migrated.error;
    return migrated.value;
  }

  static async open(db: EventsDb, clock: Clock): Promise<EventStore> {
    await EventStore.migrate(db);
    const store = new EventStore(db, clock);
    const reader = await db.connection.runAndReadAll('select coalesce(max(serial), 0) as s from siem_events');
    store.serial = BigInt(String(reader.getRowObjects()[0]?.['s'] ?? 0));
    store.writer = await db.connect();
    store.useSlots(await FieldSlots.load(store.writer));
    await store.writer.run(`create temp table siem_staging as select ${STAGED_COLUMNS.map((c) => `"${c}"`).join(', ')} from siem_events limit 0`);
    store.appender = await store.writer.createAppender('siem_staging', 'main', 'temp');
    return store;
  }

  /** Resolves once the events are committed (visible to searches and durable in the WAL). */
  append(events: readonly StoredEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new VigilError('siem.unavailable', 'the event store is closed'));
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.schedule();
    });
  }

  /** Holds commits until the returned release is called (tests use it to observe un-acked state). */
  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      this.schedule();
    };
  }

  /** Number of events waiting for a commit. */
  pendingCount(): number {
    return this.queue.reduce((n, p) => n + p.events.length, 0);
  }

  /** Waits until everything appended so far is committed. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.flushing !== undefined || this.scheduled) {
      if (this.holds > 0) throw new VigilError('siem.unavailable', 'commits are held');
      await (this.flushing ?? new Promise<void>((r) => setImmediate(r)));
    }
  }

  async countsByIndex(): Promise<Record<string, number>> {
    const reader = await this.db.connection.runAndReadAll('select "index" as name, count(*) as n from siem_events group by 1');
    return Object.fromEntries(reader.getRowObjectsJS().map((r) => [String(r['name']), Number(r['n'])]));
  }

  async deleteOlderThan(index: string, cutoffMs: number): Promise<number> {
    const statement = await this.db.connection.prepare('delete from siem_events where "index" = $1 and time_ms < $2');
    statement.bindVarchar(1, index);
    statement.bindBigInt(2, BigInt(Math.floor(cutoffMs)));
    const result = await statement.run();
    return Number(result.rowsChanged);
  }

  async deleteIndex(index: string): Promise<number> {
    const statement = await this.db.connection.prepare('delete from siem_events where "index" = $1');
    statement.bindVarchar(1, index);
    return Number((await statement.run()).rowsChanged);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.holds = 0;
    await this.flush().catch(() => undefined);
    this.closed = true;
    this.appender?.closeSync();
    this.writer?.closeSync();
  }

  /** The commit's INSERT follows the slots: rebuilt whenever they change, not per commit. */
  private useSlots(slots: FieldSlots): void {
    this.slots = slots;
    this.insertSql = slots.insertSql('siem_staging', STAGED_COLUMNS);
  }

  private schedule(): void {
    if (this.scheduled || this.flushing !== undefined || this.holds > 0 || this.queue.length === 0) return;
    this.scheduled = true;
    // One macrotask of slack lets concurrent requests join the same commit.
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.commit().finally(() => {
        this.flushing = undefined;
        this.schedule();
      });
    });
  }

  private async commit(): Promise<void> {
    if (this.holds > 0) return;
    const batch = this.queue;
    this.queue = [];
    const appender = this.appender;
    if (appender === undefined) {
      for (const p of batch) p.reject(new VigilError('siem.unavailable', 'the event store is not open'));
      return;
    }
    const now = BigInt(this.clock.now());
    const writer = this.writer as DuckDBConnection;
    const slots = this.slots as FieldSlots;
    let inTransaction = false;
    try {
      for (const pending of batch) {
        for (const event of pending.events) {
          this.serial += 1n;
          appender.appendBigInt(BigInt(Math.floor(event.time)));
          appender.appendVarchar(event.index);
          appender.appendVarchar(event.sourcetype);
          appender.appendVarchar(event.source);
          appender.appendVarchar(event.host);
          appender.appendVarchar(event.raw);
          appender.appendBoolean(event.isJson ?? looksLikeJson(event.raw));
          if (event.fields === undefined || Object.keys(event.fields).length === 0) appender.appendNull();
          else appender.appendVarchar(JSON.stringify(event.fields));
          appender.appendBigInt(now);
          appender.appendBigInt(this.serial);
          appender.endRow();
        }
      }
      appender.flushSync();
      const fresh = new Set<string>();
      if (!slots.full) sample(batch, (event) => slots.discover(event.raw, fresh));
      await writer.run('begin transaction');
      inTransaction = true;
      if (fresh.size > 0 && (await slots.assign(writer, fresh)) > 0) this.useSlots(slots);
      await writer.run(this.insertSql);
      await writer.run('delete from siem_staging');
      await writer.run('commit');
      inTransaction = false;
      for (const p of batch) p.resolve();
    } catch (error) {
      const failure = new VigilError('siem.write_failed', `event store write failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      for (const p of batch) p.reject(failure);
      if (inTransaction) {
        await writer.run('rollback').catch(() => undefined);
        // Slots assigned in the rolled-back transaction are gone: reread them.
        this.useSlots(await FieldSlots.load(writer).catch(() => slots));
      }
      // An appender that failed mid-row is unusable: start a fresh one on an empty staging table.
      try {
        this.appender?.closeSync();
      } catch {
        // already broken
      }
      await writer.run('delete from siem_staging').catch(() => undefined);
      this.appender = await writer.createAppender('siem_staging', 'main', 'temp');
    }
  }
}

/** JSON objects and arrays get search-time auto-extraction (Splunk's AUTO_KV_JSON). */
export function looksLikeJson(raw: string): boolean {
  const first = raw.trimStart()[0];
  if (first !== '{' && first !== '[') return false;
  try {
    JSON.parse(raw);
    return true;
  } catch {
    return false;
  }
}
