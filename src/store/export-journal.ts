import type Database from 'better-sqlite3';
import { VigilError } from '../core/index.js';
import type { ExportJournal, JournaledExport } from '../model/index.js';
import { openSqliteFile } from './sqlite.js';

interface Waiting {
  readonly seq: number;
  readonly entry: string;
  readonly resolve: (seq: number) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Detect's export journal on its own SQLite file (`detect-journal.sqlite`, WAL). Appends made in
 * one event-loop turn commit in one transaction, and each resolves after that commit. The file is
 * in `synchronous=NORMAL`: a committed entry survives the process being killed (the write reached
 * the operating system); a power cut may lose the last commits (docs/detect.md).
 */
export class SqliteExportJournal implements ExportJournal {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly removeUpTo: Database.Statement;
  private queue: Array<Waiting | { readonly release: number }> = [];
  private scheduled = false;
  private closed = false;
  private seq: number;

  constructor(path: string) {
    this.db = openSqliteFile(path, { synchronous: 'NORMAL' });
    this.db.exec('create table if not exists pending (seq integer primary key, entry text not null)');
    this.insert = this.db.prepare('insert into pending (seq, entry) values (?, ?)');
    this.removeUpTo = this.db.prepare('delete from pending where seq <= ?');
    this.seq = Number((this.db.prepare('select coalesce(max(seq), 0) as s from pending').get() as { s: number }).s);
  }

  get lastSeq(): number {
    return this.seq;
  }

  append(entry: string): Promise<number> {
    if (this.closed) return Promise.reject(new VigilError('detect.store_failed', 'the export journal is closed (Vigil is stopping)'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.queue.push({ seq, entry, resolve, reject });
      this.schedule();
    });
  }

  leftover(): readonly JournaledExport[] {
    return this.db.prepare('select seq, entry from pending order by seq').all() as JournaledExport[];
  }

  release(seq: number): void {
    if (this.closed) return;
    this.queue.push({ release: seq });
    this.schedule();
  }

  close(): void {
    if (this.closed) return;
    this.commit();
    this.closed = true;
    this.db.close();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.commit());
  }

  /** One transaction for everything queued, in order: appends, and releases after the appends before them. */
  private commit(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      this.db.transaction(() => {
        for (const item of batch) {
          if ('release' in item) this.removeUpTo.run(item.release);
          else this.insert.run(item.seq, item.entry);
        }
      })();
    } catch (error) {
      const failure = new VigilError('detect.store_failed', `the export journal could not store the entries: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      for (const item of batch) if (!('release' in item)) item.reject(failure);
      return;
    }
    for (const item of batch) if (!('release' in item)) item.resolve(item.seq);
  }
}
