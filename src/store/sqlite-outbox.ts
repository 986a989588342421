import type Database from 'better-sqlite3';
import { VigilError, err, ok, type Clock, type Result } from '../core/index.js';
import type { Outbox, OutboxAppended, OutboxRecord, ReplayRun } from '../model/index.js';
import { snapshotSqliteFile } from './snapshot.js';
import { OutboxWriter } from './outbox-writer.js';
import { openSqliteFile } from './sqlite.js';

type Range = [first: number, last: number];

function isRemoving(ranges: readonly Range[], seq: number): boolean {
  for (const [first, last] of ranges) if (seq >= first && seq <= last) return true;
  return false;
}

/** A record as stored here: its data is a Buffer. */
export type SqliteOutboxRecord = OutboxRecord & { readonly data: Buffer };

interface Pending {
  readonly stream: string;
  readonly records: readonly Uint8Array[];
  readonly bytes: number;
  /** One flag for every record, or one for all. */
  readonly pretransformed: boolean | readonly boolean[];
  /** A replayed backup object, recorded in the same transaction as its records. */
  readonly replayMark: string | undefined;
  readonly resolve: (result: Result<OutboxAppended>) => void;
}

/**
 * The stream outbox on one SQLite file in WAL mode with `synchronous=FULL` (its table and every
 * statement on it live here). Concurrent appends are group-committed in one transaction (one fsync)
 * and each resolves only after that commit. Commits and deletes run on a writer thread
 * (`OutboxWriter`), so the event loop never waits for the disk; reads run here on their own connection.
 */
export class SqliteOutbox implements Outbox {
  private readonly db: Database.Database;
  private readonly readAfter: Database.Statement;
  private readonly statsOf: Database.Statement;
  private readonly sizesAfter: Database.Statement;
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private storedBytes: number;
  private closed = false;
  private readonly writer: OutboxWriter;
  /** Per stream: seq ranges removed here whose delete the writer has not run yet. */
  private readonly removing = new Map<string, Range[]>();
  /** Deletes that failed in the writer (their records stay, and are delivered again after a restart). */
  removeFailures = 0;
  lastRemoveError: string | undefined;
  private appendedListener: (stream: string, appended: OutboxAppended) => void = () => undefined;

  constructor(path: string, private readonly maxBytes: number, private readonly clock: Clock) {
    this.db = openSqliteFile(path, { synchronous: 'FULL' });
    this.db.exec(`create table if not exists records (
      seq integer primary key autoincrement, stream text not null, data blob not null,
      arrival integer not null, bytes integer not null, pretransformed integer not null default 0)`);
    this.db.exec('create index if not exists records_stream_seq on records (stream, seq)');
    // Replay progress lives beside the records: an object's records and its mark commit together,
    // so a replay killed at any point resumes without putting an object twice.
    this.db.exec('create table if not exists replay_marks (stream text not null, object text not null, records integer not null, primary key (stream, object))');
    this.db.exec(`create table if not exists replay_runs (stream text primary key, state text not null, started integer not null, finished integer,
      objects integer not null default 0, records integer not null default 0, resumed_objects integer not null default 0, resumes integer not null default 0)`);
    this.readAfter = this.db.prepare('select seq, data, arrival, pretransformed from records where stream = ? and seq > ? order by seq limit ?');
    this.statsOf = this.db.prepare('select count(*) as records, coalesce(sum(bytes), 0) as bytes, min(arrival) as oldest from records where stream = ? and seq > ?');
    this.sizesAfter = this.db.prepare('select seq, bytes, arrival from records where stream = ? and seq > ? order by seq');
    this.storedBytes = Number((this.db.prepare('select coalesce(sum(bytes), 0) as b from records').get() as { b: number }).b);
    // Opened after the tables exist: the writer's connection prepares its statements on them.
    this.writer = new OutboxWriter(path);
  }

  onAppended(listener: (stream: string, appended: OutboxAppended) => void): void {
    this.appendedListener = listener;
  }

  /** Bytes held (committed and being committed), for the size cap. */
  get bytes(): number {
    return this.storedBytes + this.pendingBytes;
  }

  /** Appends records durably; refuses (`stream.unavailable`) when the outbox would pass its size cap. */
  append(stream: string, records: readonly Uint8Array[], options: { pretransformed?: boolean | readonly boolean[]; replayMark?: string } = {}): Promise<Result<OutboxAppended>> {
    if (this.closed) return Promise.resolve(err(new VigilError('stream.unavailable', 'the stream outbox is closed (Vigil is stopping)')));
    let bytes = 0;
    for (const record of records) bytes += record.byteLength;
    if (this.storedBytes + this.pendingBytes + bytes > this.maxBytes) {
      return Promise.resolve(err(new VigilError('stream.unavailable', `the stream outbox is full (${this.storedBytes + this.pendingBytes} of ${this.maxBytes} bytes); the put was refused`, {
        hint: 'a destination is down or slow: check `vigil stream status`; raise stream.outbox_max_bytes if this is a burst',
        details: { reason: 'outbox_full' },
      })));
    }
    this.pendingBytes += bytes;
    return new Promise((resolve) => {
      this.pending.push({ stream, records, bytes, pretransformed: options.pretransformed ?? false, replayMark: options.replayMark, resolve });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const arrival = this.clock.now();
    const items = batch.map((item) => ({ stream: item.stream, records: item.records, pretransformed: item.pretransformed, replayMark: item.replayMark }));
    this.writer.append(items, arrival).then(
      (seqs) => {
        batch.forEach((item, index) => {
          const appended: OutboxAppended = { seqs: seqs[index] ?? [], arrival, bytes: item.bytes };
          this.pendingBytes -= item.bytes;
          this.storedBytes += item.bytes;
          this.appendedListener(item.stream, appended);
          item.resolve(ok(appended));
        });
      },
      (error: unknown) => {
        for (const item of batch) {
          this.pendingBytes -= item.bytes;
          item.resolve(err(new VigilError('stream.unavailable', `the stream outbox could not store the records: ${error instanceof Error ? error.message : String(error)}`, { cause: error })));
        }
      },
    );
  }

  /** Up to `maxRecords` records after `afterSeq`, stopping once `maxBytes` are gathered (at least one record). */
  read(stream: string, afterSeq: number, maxBytes: number, maxRecords = 100_000): SqliteOutboxRecord[] {
    const out: SqliteOutboxRecord[] = [];
    const removing = this.removing.get(stream);
    let bytes = 0;
    for (const row of this.readAfter.iterate(stream, afterSeq, maxRecords) as IterableIterator<{ seq: number; data: Buffer; arrival: number; pretransformed: number }>) {
      if (removing !== undefined && isRemoving(removing, row.seq)) continue;
      if (out.length > 0 && bytes + row.data.length > maxBytes) break;
      out.push({ seq: row.seq, data: row.data, arrival: row.arrival, pretransformed: row.pretransformed === 1 });
      bytes += row.data.length;
      if (bytes >= maxBytes) break;
    }
    return out;
  }

  /**
   * Removes a delivered (or backed-up) batch: its records are a contiguous range of the stream's
   * seqs. The delete runs on the writer thread; until it has, reads here skip the range.
   */
  remove(stream: string, records: readonly OutboxRecord[]): void {
    if (records.length === 0 || this.closed) return;
    let bytes = 0;
    for (const record of records) bytes += record.data.byteLength;
    const range: Range = [(records[0] as OutboxRecord).seq, (records[records.length - 1] as OutboxRecord).seq];
    let removing = this.removing.get(stream);
    if (removing === undefined) this.removing.set(stream, (removing = []));
    removing.push(range);
    this.storedBytes = Math.max(0, this.storedBytes - bytes);
    const done = (): void => {
      const list = this.removing.get(stream);
      const at = list?.indexOf(range) ?? -1;
      if (list !== undefined && at >= 0) list.splice(at, 1);
      if (list?.length === 0) this.removing.delete(stream);
    };
    this.writer.remove(stream, range[0], range[1]).then(done, (error: unknown) => {
      // The records are still stored: counted again, and read again after a restart (delivered twice, never lost).
      this.storedBytes += bytes;
      this.removeFailures++;
      this.lastRemoveError = error instanceof Error ? error.message : String(error);
      done();
    });
  }

  /** Records, bytes and oldest arrival after `afterSeq` (0 = the whole stream). */
  stats(stream: string, afterSeq = 0): { records: number; bytes: number; oldest: number | undefined } {
    const removing = this.removing.get(stream);
    if (removing !== undefined) {
      let records = 0;
      let bytes = 0;
      let oldest: number | undefined;
      for (const row of this.sizesAfter.iterate(stream, afterSeq) as IterableIterator<{ seq: number; bytes: number; arrival: number }>) {
        if (isRemoving(removing, row.seq)) continue;
        records++;
        bytes += row.bytes;
        oldest = oldest === undefined ? row.arrival : Math.min(oldest, row.arrival);
      }
      return { records, bytes, oldest };
    }
    const row = this.statsOf.get(stream, afterSeq) as { records: number; bytes: number; oldest: number | null };
    return { records: Number(row.records), bytes: Number(row.bytes), oldest: row.oldest ?? undefined };
  }

  /** Arrival time of the first record after `afterSeq`, if any. */
  firstArrivalAfter(stream: string, afterSeq: number): number | undefined {
    const removing = this.removing.get(stream);
    for (const row of this.sizesAfter.iterate(stream, afterSeq) as IterableIterator<{ seq: number; arrival: number }>) {
      if (removing === undefined || !isRemoving(removing, row.seq)) return row.arrival;
    }
    return undefined;
  }

  /** Backup objects (relative paths) whose records a replay of `stream` already committed. */
  replayMarks(stream: string): Set<string> {
    return new Set((this.db.prepare('select object from replay_marks where stream = ?').all(stream) as Array<{ object: string }>).map((r) => r.object));
  }

  /** Objects and records the current replay of `stream` has committed so far (across resumes). */
  replayTotals(stream: string): { objects: number; records: number } {
    const row = this.db.prepare('select count(*) as objects, coalesce(sum(records), 0) as records from replay_marks where stream = ?').get(stream) as { objects: number; records: number };
    return { objects: Number(row.objects), records: Number(row.records) };
  }

  /** Records that a replay of `stream` started (or resumed, keeping its marks and counting the resume). */
  beginReplay(stream: string, resumed: boolean): void {
    this.writer.idleSync();
    if (resumed) this.db.prepare('update replay_runs set resumes = resumes + 1 where stream = ?').run(stream);
    else this.db.prepare(`insert or replace into replay_runs (stream, state, started) values (?, 'running', ?)`).run(stream, this.clock.now());
  }

  /** Records a finished replay and forgets its marks (the objects are in replayed/ now). */
  finishReplay(stream: string, resumedObjects: number): ReplayRun {
    this.writer.idleSync();
    this.db.transaction(() => {
      const totals = this.replayTotals(stream);
      this.db.prepare(`update replay_runs set state = 'done', finished = ?, objects = ?, records = ?, resumed_objects = resumed_objects + ? where stream = ?`).run(this.clock.now(), totals.objects, totals.records, resumedObjects, stream);
      this.db.prepare('delete from replay_marks where stream = ?').run(stream);
    })();
    return this.replayRun(stream) as ReplayRun;
  }

  replayRun(stream: string): ReplayRun | undefined {
    const row = this.db.prepare('select * from replay_runs where stream = ?').get(stream) as { state: 'running' | 'done'; started: number; finished: number | null; objects: number; records: number; resumed_objects: number; resumes: number } | undefined;
    if (row === undefined) return undefined;
    return { state: row.state, startedAt: row.started, finishedAt: row.finished ?? undefined, objects: row.objects, records: row.records, resumedObjects: row.resumed_objects, resumes: row.resumes };
  }

  /** Streams whose last replay did not finish (the process stopped or died during it). */
  interruptedReplays(): string[] {
    return (this.db.prepare(`select stream from replay_runs where state = 'running' order by stream`).all() as Array<{ stream: string }>).map((r) => r.stream);
  }

  /** Drops every record of a deleted stream (on the writer thread, after the writes posted before). */
  dropStream(stream: string): void {
    const { bytes } = this.stats(stream);
    this.storedBytes = Math.max(0, this.storedBytes - bytes);
    this.removing.delete(stream);
    this.writer.drop(stream).catch((error: unknown) => {
      this.removeFailures++;
      this.lastRemoveError = error instanceof Error ? error.message : String(error);
    });
  }

  /** A consistent copy of the outbox at `path` (backup): every committed record, none half-written. */
  snapshot(path: string): void {
    if (this.closed) throw new VigilError('stream.outbox_closed', 'the outbox is closed');
    snapshotSqliteFile(this.db, path);
  }

  /** Commits what is queued and waits for every write posted, then closes the file. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.writer.closeSync();
    this.db.close();
  }
}
