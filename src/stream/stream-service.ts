import type { StreamDefinition, StreamPutter } from '../model/index.js';

/** What `vigil stream status` and the API show for one stream. */
export interface StreamStatus {
  readonly name: string;
  readonly version: number;
  readonly sink: string;
  readonly incomingRecords: number;
  readonly incomingBytes: number;
  readonly deliveredRecords: number;
  readonly deliveredBytes: number;
  readonly droppedRecords: number;
  readonly retries: number;
  readonly backedUpRecords: Readonly<Record<string, number>>;
  readonly outboxRecords: number;
  readonly outboxBytes: number;
  readonly inFlightBatches: number;
  readonly dataFreshnessSecs: number;
  readonly lastAckLatencyMs: number | null;
  /** The error of an outage still going on (null once a delivery succeeded again). */
  readonly lastError: { readonly code: string; readonly message: string; readonly at: string } | null;
  /** The last error of the previous outage and when delivery recovered from it. */
  readonly recoveredError: { readonly code: string; readonly message: string; readonly at: string; readonly recoveredAt: string } | null;
  readonly probe: { readonly ok: boolean; readonly detail: string } | null;
  /** ACTIVE; INVALID (its stored definition failed validation at start: not running); PAUSED_AFTER_FAILURES. */
  readonly state: 'ACTIVE' | 'INVALID' | 'PAUSED_AFTER_FAILURES';
  readonly replay: ReplayStatus | null;
}

export interface ReplayResult {
  readonly objects: number;
  readonly records: number;
  /** Objects an interrupted run of this replay had already queued: moved to replayed/, not put again. */
  readonly resumedObjects: number;
  /** How many times this replay was resumed after the process stopped or died during it. */
  readonly resumes: number;
}

/** A stream's current or last replay, in the status. */
export interface ReplayStatus extends ReplayResult {
  readonly state: 'running' | 'done';
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

/** The stream engine as the API sees it. */
export interface StreamService extends StreamPutter {
  create(input: unknown): Promise<StreamDefinition>;
  update(name: string, input: unknown, expectedVersion?: number): Promise<StreamDefinition>;
  get(name: string): Promise<StreamDefinition>;
  list(): Promise<StreamDefinition[]>;
  delete(name: string): Promise<void>;
  status(name: string): Promise<StreamStatus>;
  replay(name: string): Promise<ReplayResult>;
  arn(name: string): string;
  /** Definition without secrets. */
  redact(definition: StreamDefinition): StreamDefinition;
}
