import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { VigilError, type Clock } from '../../core/index.js';
import type { SiemEvent } from '../../model/index.js';
import type { EventsDb } from '../../store/index.js';

/** An event to store; `isJson` when the producer knows (HEC object bodies), else `raw` is checked. */
export type StoredEvent = SiemEvent & { readonly isJson?: boolean };

interface Pending {
  readonly events: readonly StoredEvent[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The SIEM event store on DuckDB. Writes are batched: every `append` of the same tick joins one
 * appender flush (one commit), and its promise resolves only after that commit, which is what HEC
 * indexer acknowledgement waits for.
 */
export class EventStore {
  private writer: DuckDBConnection | undefined;
  private appender: DuckDBAppender | undefined;
  private serial = 0n;
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing: Promise<void> | undefined;
  private holds = 0;
  private closed = false;

  private constructor(readonly db: EventsDb, private readonly clock: Clock) {}

  static async open(db: EventsDb, clock: Clock): Promise<EventStore> {
    const store = new EventStore(db, clock);
    const reader = await db.connection.runAndReadAll('select coalesce(max(serial), 0) as s from siem_events');
    store.serial = BigInt(String(reader.getRowObjects()[0]?.['s'] ?? 0));
    store.writer = await db.connect();
    store.appender = await store.writer.createAppender('siem_events');
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
      for (const p of batch) p.resolve();
    } catch (error) {
      const failure = new VigilError('siem.write_failed', `event store write failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      for (const p of batch) p.reject(failure);
      // An appender that failed mid-row is unusable: start a fresh one.
      try {
        this.appender?.closeSync();
      } catch {
        // already broken
      }
      this.appender = this.writer === undefined ? undefined : await this.writer.createAppender('siem_events');
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
