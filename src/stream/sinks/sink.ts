import type { TSchema } from 'typebox';
import type { Clock, Timer } from '../../core/index.js';
import type { ErrorOutputType, FailedRecord } from '../../protocol/index.js';

/** A record handed to a sink: `id` is the outbox sequence number as text. */
export interface SinkRecord {
  readonly id: string;
  readonly data: Uint8Array;
  readonly arrival: number;
}

/** What one delivery attempt came to. `ackWaitMs` is excluded from the retry budget, as in Firehose. */
export type Delivery =
  | { readonly ok: true; readonly ackLatencyMs?: number }
  | { readonly ok: false; readonly retryable: boolean; readonly errorCode: string; readonly errorMessage: string; readonly ackWaitMs?: number };

/** The result of the start-up probe (HEC: the empty-body request that must answer 400 code 5). */
export type Probe = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly errorCode: string; readonly detail: string };

/** A running destination. `deliver` is called with up to `maxInFlight` batches at once. */
export interface Sink {
  readonly maxInFlight: number;
  /** A transformed record larger than this goes to backup instead of being sent. */
  readonly maxRecordBytes: number;
  probe(): Promise<Probe>;
  deliver(records: readonly SinkRecord[], signal: AbortSignal): Promise<Delivery>;
  stop(): Promise<void>;
}

export interface SinkContext {
  readonly stream: string;
  readonly streamArn: string;
  readonly version: number;
  readonly clock: Clock;
  /** Request timeouts and ack polling. */
  readonly timer: Timer;
}

/** One row of the sink table: its config schema, its backup folder, and how to build it. */
export interface SinkKind {
  readonly type: string;
  readonly description: string;
  readonly schema: TSchema;
  readonly errorOutputType: ErrorOutputType;
  /** The id fields of a failed-record line (Splunk: `EventId`; HTTP endpoint: `dataId` + `subsequenceNumber`). */
  failedIds(recordId: string): Pick<FailedRecord, 'EventId' | 'dataId' | 'subsequenceNumber'>;
  create(config: Record<string, unknown>, context: SinkContext): Sink;
}
