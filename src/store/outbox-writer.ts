import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** One put as the writer commits it. */
export interface WriterItem {
  readonly stream: string;
  readonly records: readonly Uint8Array[];
  readonly pretransformed: boolean | readonly boolean[];
  readonly replayMark: string | undefined;
}

/** A write that failed in the writer thread, with SQLite's code (`SQLITE_FULL`, `SQLITE_BUSY` …) when it has one. */
export class OutboxWriteError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
    this.name = 'SqliteError';
  }
}

type Request =
  | { readonly op: 'append'; readonly id: number; readonly items: readonly WriterItem[]; readonly arrival: number }
  | { readonly op: 'remove'; readonly id: number; readonly stream: string; readonly first: number; readonly last: number }
  | { readonly op: 'drop'; readonly id: number; readonly stream: string }
  | { readonly op: 'close'; readonly id: number };

type Reply = { readonly id: number; readonly ok: true; readonly seqs?: number[][] } | { readonly id: number; readonly ok: false; readonly message: string; readonly code?: string };

// The writer thread: its own connection on the outbox file (WAL, synchronous=FULL), running every
// write in the order posted. Each reply is also counted in `flag` so that `closeSync` can block on it.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { port, path, flag } = workerData;
const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare('insert into records (stream, data, arrival, bytes, pretransformed) values (?, ?, ?, ?, ?)');
const insertMark = db.prepare('insert or ignore into replay_marks (stream, object, records) values (?, ?, ?)');
const removeRange = db.prepare('delete from records where stream = ? and seq >= ? and seq <= ?');
const dropStream = db.transaction((stream) => {
  db.prepare('delete from replay_marks where stream = ?').run(stream);
  db.prepare('delete from replay_runs where stream = ?').run(stream);
  db.prepare('delete from records where stream = ?').run(stream);
});
const append = db.transaction((items, arrival) => items.map((item) => {
  const seqs = [];
  item.records.forEach((record, index) => {
    const pretransformed = typeof item.pretransformed === 'boolean' ? item.pretransformed : item.pretransformed[index] === true;
    const data = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
    seqs.push(Number(insert.run(item.stream, data, arrival, record.byteLength, pretransformed ? 1 : 0).lastInsertRowid));
  });
  if (item.replayMark !== undefined) insertMark.run(item.stream, item.replayMark, item.records.length);
  return seqs;
}));
port.on('message', (m) => {
  let reply;
  try {
    if (m.op === 'append') reply = { id: m.id, ok: true, seqs: append(m.items, m.arrival) };
    else if (m.op === 'remove') (removeRange.run(m.stream, m.first, m.last), (reply = { id: m.id, ok: true }));
    else if (m.op === 'drop') (dropStream(m.stream), (reply = { id: m.id, ok: true }));
    else if (m.op === 'close') (db.close(), (reply = { id: m.id, ok: true }));
  } catch (error) {
    reply = { id: m.id, ok: false, message: error instanceof Error ? error.message : String(error), code: typeof error?.code === 'string' ? error.code : undefined };
  }
  port.postMessage(reply);
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
  if (m.op === 'close') port.close();
});
`;

/**
 * The outbox's writes (commits with their fsync, deletes) on a thread of their own, so that the
 * event loop never waits for the disk: a put's promise still resolves only after its commit. Writes
 * run in the order they were posted; `closeSync` blocks until every one posted before it is done.
 */
export class OutboxWriter {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private nextId = 1;
  private replies = 0;
  private failure: Error | undefined;

  constructor(path: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, path, flag: this.flag, driver }, transferList: [port2] });
    this.worker.unref();
    this.port.on('message', (reply: Reply) => this.settle(reply));
    this.port.unref();
    const fail = (error: Error): void => {
      this.failure ??= error;
      for (const [id, resolve] of [...this.waiting]) resolve({ id, ok: false, message: `the outbox writer stopped: ${error.message}` });
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
  }

  append(items: readonly WriterItem[], arrival: number): Promise<number[][]> {
    return this.send({ op: 'append', id: this.nextId++, items, arrival }).then((reply) => reply.seqs ?? []);
  }

  remove(stream: string, first: number, last: number): Promise<void> {
    return this.send({ op: 'remove', id: this.nextId++, stream, first, last }).then(() => undefined);
  }

  drop(stream: string): Promise<void> {
    return this.send({ op: 'drop', id: this.nextId++, stream }).then(() => undefined);
  }

  /** Runs every write posted so far, closes the writer's connection, and settles their promises before returning. */
  closeSync(): void {
    if (this.failure !== undefined) return;
    const id = this.nextId++;
    this.waiting.set(id, () => undefined);
    this.port.postMessage({ op: 'close', id } satisfies Request);
    this.idleSync();
    this.port.close();
  }

  /**
   * Blocks until the writer has answered every write posted (their promises settle on the next
   * turns), so that a write on another connection does not wait on its lock: for the outbox's rare
   * writes of its own (replay progress). Returns false if the writer did not answer in time.
   */
  idleSync(timeoutMs = 30_000): boolean {
    const deadline = Date.now() + timeoutMs;
    while (this.waiting.size > 0 && this.failure === undefined) {
      for (let message = receiveMessageOnPort(this.port); message !== undefined; message = receiveMessageOnPort(this.port)) this.settle(message.message as Reply);
      if (this.waiting.size === 0) break;
      const left = deadline - Date.now();
      // The writer counts every reply in `flag`: wake when it moves past what was received here.
      if (left <= 0 || Atomics.wait(this.flag, 0, this.replies, left) === 'timed-out') return false;
    }
    return true;
  }

  private send(request: Request): Promise<Extract<Reply, { ok: true }>> {
    if (this.failure !== undefined) return Promise.reject(new OutboxWriteError(`the outbox writer stopped: ${this.failure.message}`, undefined));
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, (reply) => (reply.ok ? resolve(reply) : reject(new OutboxWriteError(reply.message, reply.code))));
      // Only while a write is outstanding does the writer keep the process alive.
      if (this.waiting.size === 1) this.port.ref();
      this.port.postMessage(request);
    });
  }

  private settle(reply: Reply): void {
    this.replies++;
    const resolve = this.waiting.get(reply.id);
    if (resolve === undefined) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.port.unref();
    resolve(reply);
  }
}
