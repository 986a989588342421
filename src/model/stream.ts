import type { Result } from '../core/index.js';

/** Firehose's `S3BackupMode` (HTTP-endpoint streams spell them `FailedDataOnly` / `AllData`; Vigil maps those). */
export type BackupMode = 'FailedEventsOnly' | 'AllEvents';

/** One record transformation step (Firehose `Processors[]`): a built-in transform or a user JavaScript module. */
export interface ProcessorConfig {
  /** A transform name from the stream module's transform table (`split-device-defender`, `javascript`, …). */
  readonly type: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** A sink's settings: `type` picks the sink from the sink table; the rest is validated by that sink's schema. */
export interface SinkConfig {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** Where a stream's failed (and, with `AllEvents`, all) records are written, as Firehose's S3 backup. */
export interface BackupConfig {
  readonly mode: BackupMode;
  /** Firehose `Prefix`: may hold `!{timestamp:…}` / `!{firehose:random-string}`; `YYYY/MM/DD/HH/` is appended when it holds none. */
  readonly prefix: string;
  /** Firehose `ErrorOutputPrefix`; empty = `<prefix><error-output-type>/YYYY/MM/DD/HH/`. */
  readonly errorOutputPrefix: string;
}

/** A delivery stream (Vigil's Firehose delivery stream). Plain data; `version` goes up with each update. */
export interface StreamDefinition {
  readonly name: string;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly sink: SinkConfig;
  /** Buffering hints: a batch is sent at whichever is reached first. */
  readonly buffering: { readonly sizeBytes: number; readonly intervalSecs: number };
  /** Total retry budget after the first failed attempt (0 = no retry), as Firehose `RetryOptions`. */
  readonly retryDurationSecs: number;
  readonly processors: readonly ProcessorConfig[];
  readonly backup: BackupConfig;
}

/** Storage port for stream definitions. */
export interface StreamStore {
  /** Returns false when a stream of that name exists. */
  create(definition: StreamDefinition): Promise<boolean>;
  get(name: string): Promise<StreamDefinition | undefined>;
  list(): Promise<StreamDefinition[]>;
  /** Replaces the definition if its stored version is `expectedVersion`; false otherwise (missing or changed). */
  update(definition: StreamDefinition, expectedVersion: number): Promise<boolean>;
  delete(name: string): Promise<boolean>;
}

/**
 * Puts records into a delivery stream (used by rules and notify). Resolves only once the records are
 * durable; the ids are in the order given. Errors: `stream.not_found`, `stream.unavailable` (outbox
 * full), `stream.invalid_record` (over 1,000 KiB).
 */
export interface StreamPutter {
  put(streamName: string, records: readonly Uint8Array[]): Promise<Result<readonly string[]>>;
}

/** A record in the outbox: `pretransformed` records (replayed from a failed-delivery backup) skip the processors. */
export interface OutboxRecord {
  readonly seq: number;
  readonly data: Uint8Array;
  readonly arrival: number;
  readonly pretransformed: boolean;
}

/** What one append stored: the records' sequence numbers, their arrival time and size. */
export interface OutboxAppended {
  readonly seqs: readonly number[];
  readonly arrival: number;
  readonly bytes: number;
}

/** A stream's last replay as stored: `running` after a crash means it resumes at the next start. */
export interface ReplayRun {
  readonly state: 'running' | 'done';
  readonly startedAt: number;
  readonly finishedAt: number | undefined;
  readonly objects: number;
  readonly records: number;
  /** Objects an interrupted run had queued already: moved to replayed/ without being put again. */
  readonly resumedObjects: number;
  readonly resumes: number;
}

/**
 * The durable buffer between a stream's puts and its sink: an append resolves only once the records
 * are durable, and a record leaves only when told (its sink acknowledged it, or it went to backup).
 */
export interface Outbox {
  /** Bytes held (committed and being committed), for the size cap. */
  readonly bytes: number;
  /** Refuses (`stream.unavailable`) when closed or when the records would pass the size cap. */
  /**
   * `pretransformed`: one flag for all records or one per record. `replayMark`: the replayed backup
   * object these records came from, committed in the same transaction (see `replayMarks`).
   */
  append(stream: string, records: readonly Uint8Array[], options?: { pretransformed?: boolean | readonly boolean[]; replayMark?: string }): Promise<Result<OutboxAppended>>;
  /** Up to `maxRecords` records after `afterSeq`, stopping once `maxBytes` are gathered (at least one record). */
  read(stream: string, afterSeq: number, maxBytes: number, maxRecords?: number): OutboxRecord[];
  /** Removes a delivered (or backed-up) batch: a contiguous range of the stream's records. */
  remove(stream: string, records: readonly OutboxRecord[]): void;
  /** Records, bytes and oldest arrival after `afterSeq` (0: the whole stream). */
  stats(stream: string, afterSeq?: number): { records: number; bytes: number; oldest: number | undefined };
  firstArrivalAfter(stream: string, afterSeq: number): number | undefined;
  /** Drops every record of a deleted stream (and its replay progress). */
  dropStream(stream: string): void;
  /** Backup objects (relative paths) whose records a replay of `stream` already committed. */
  replayMarks(stream: string): Set<string>;
  /** Objects and records the current replay of `stream` has committed so far (across resumes). */
  replayTotals(stream: string): { objects: number; records: number };
  /** Records that a replay of `stream` started (or resumed, keeping its marks and counting the resume). */
  beginReplay(stream: string, resumed: boolean): void;
  /** Records a finished replay and forgets its marks. */
  finishReplay(stream: string, resumedObjects: number): ReplayRun;
  replayRun(stream: string): ReplayRun | undefined;
  /** Streams whose last replay did not finish (the process stopped or died during it). */
  interruptedReplays(): string[];
  /**
   * The delivery streams that exist now: the stream engine says so at start and after every
   * definition change (made on this node or, in cluster mode, on another). A shared buffer fetches
   * the records of exactly these streams; a local one needs nothing of it.
   */
  streams?(names: readonly string[]): void;
  /** Tells `listener` what each commit appended, per stream (one listener: the stream engine). */
  onAppended(listener: (stream: string, appended: OutboxAppended) => void): void;
  /** Commits what is queued, then closes. */
  close(): void;
}
