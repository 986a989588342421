import { retry, type BackoffPolicy, type Clock, type Timer, type TimerHandle } from '../core/index.js';
import type { Outbox, OutboxAppended, OutboxRecord, StreamDefinition } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { arns, type ErrorOutputType, type FailedRecord } from '../protocol/index.js';
import type { BackupWriter } from './backup.js';
import type { Delivery, Probe, Sink, SinkKind, SinkRecord } from './sinks/index.js';
import { runTransforms, type Transform } from './transforms/index.js';
import type { ProcessingFailure } from './transforms/run-transforms.js';

/** Counters of one stream since this process started (Firehose's CloudWatch metrics, B.8). */
export interface StreamStats {
  incomingRecords: number;
  incomingBytes: number;
  deliveredRecords: number;
  deliveredBytes: number;
  droppedRecords: number;
  retries: number;
  backedUp: Record<string, number>;
  lastAckLatencyMs: number | undefined;
  /** The error of the current outage; cleared by the next successful delivery. */
  lastError: { code: string; message: string; at: number } | undefined;
  /** The last error of the previous outage, and when delivery recovered from it. */
  recoveredError: { code: string; message: string; at: number; recoveredAt: number } | undefined;
  probe: Probe | undefined;
}

export function emptyStats(): StreamStats {
  return { incomingRecords: 0, incomingBytes: 0, deliveredRecords: 0, deliveredBytes: 0, droppedRecords: 0, retries: 0, backedUp: {}, lastAckLatencyMs: undefined, lastError: undefined, recoveredError: undefined, probe: undefined };
}

export interface PipelineDeps {
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  readonly backoff: BackoffPolicy;
  readonly streamArn: string;
  readonly region: string;
  readonly accountId: string;
  /** `stream.pause_after_failures`: consecutive batches that throw before the pipeline pauses. */
  readonly pauseAfterFailures?: number;
}

type Attempted = { readonly kind: 'delivered'; readonly attempts: number } | { readonly kind: 'failed'; readonly attempts: number; readonly errorCode: string; readonly errorMessage: string } | { readonly kind: 'aborted' };

const BACKUP_RETRY_MS = 5000;

/**
 * One stream's delivery loop: reads batches from the outbox by the buffering hints, transforms,
 * delivers with up to `sink.maxInFlight` batches in flight, retries within the retry duration, backs
 * up what fails, and removes a batch from the outbox only once it is delivered or backed up.
 */
export class StreamPipeline {
  private cursor = 0;
  private unreadRecords = 0;
  private unreadBytes = 0;
  private oldestUnread: number | undefined;
  private readonly inFlight = new Map<number, number>();
  private readonly running = new Set<Promise<void>>();
  private nextBatch = 1;
  private wake: TimerHandle | undefined;
  private stopped = false;
  private readonly abort = new AbortController();
  /** Consecutive batches on which the sink or this pipeline threw. */
  private crashes = 0;
  /** Set after too many crashes in a row: nothing more is read until an update or restart. */
  paused = false;

  constructor(
    readonly definition: StreamDefinition,
    private readonly kind: SinkKind,
    private readonly sink: Sink,
    private readonly transforms: ReadonlyArray<{ readonly transform: Transform; readonly retries: number }>,
    private readonly backup: BackupWriter,
    readonly stats: StreamStats,
    private readonly deps: PipelineDeps,
  ) {}

  start(): void {
    const pending = this.deps.outbox.stats(this.definition.name);
    this.unreadRecords = pending.records;
    this.unreadBytes = pending.bytes;
    this.oldestUnread = pending.oldest;
    void this.sink.probe().then((probe) => {
      this.stats.probe = probe;
      this.deps.telemetry.emit('stream_probe', { stream: this.definition.name, result: probe.ok ? 'ok' : probe.errorCode }, { detail: probe.detail });
    });
    this.schedule();
  }

  /** The outbox committed records for this stream. */
  appended(appended: OutboxAppended): void {
    this.unreadRecords += appended.seqs.length;
    this.unreadBytes += appended.bytes;
    this.oldestUnread ??= appended.arrival;
    this.stats.incomingRecords += appended.seqs.length;
    this.stats.incomingBytes += appended.bytes;
    this.schedule();
  }

  /** Age of the oldest record not yet delivered or backed up (Firehose DataFreshness), in ms. */
  freshnessMs(): number {
    let oldest = this.oldestUnread;
    for (const arrival of this.inFlight.values()) oldest = oldest === undefined ? arrival : Math.min(oldest, arrival);
    return oldest === undefined ? 0 : Math.max(0, this.deps.clock.now() - oldest);
  }

  get inFlightBatches(): number {
    return this.inFlight.size;
  }

  private schedule(): void {
    if (this.stopped || this.paused) return;
    this.wake?.cancel();
    this.wake = undefined;
    const { sizeBytes, intervalSecs } = this.definition.buffering;
    while (this.inFlight.size < this.sink.maxInFlight && this.unreadRecords > 0) {
      const now = this.deps.clock.now();
      // A clock stepped back would hold the batch for as long as the step: count the wait from now.
      if (this.oldestUnread !== undefined && this.oldestUnread > now) this.oldestUnread = now;
      const dueAt = (this.oldestUnread ?? now) + intervalSecs * 1000;
      if (this.unreadBytes < sizeBytes && now < dueAt) {
        this.wake = this.deps.timer.setTimeout(() => this.schedule(), dueAt - now);
        return;
      }
      const records = this.deps.outbox.read(this.definition.name, this.cursor, sizeBytes);
      const last = records[records.length - 1];
      if (last === undefined) {
        this.unreadRecords = 0;
        this.unreadBytes = 0;
        this.oldestUnread = undefined;
        return;
      }
      this.cursor = last.seq;
      let bytes = 0;
      for (const record of records) bytes += record.data.length;
      this.unreadRecords = Math.max(0, this.unreadRecords - records.length);
      this.unreadBytes = Math.max(0, this.unreadBytes - bytes);
      this.oldestUnread = this.unreadRecords > 0 ? this.deps.outbox.firstArrivalAfter(this.definition.name, this.cursor) : undefined;
      this.launch(records);
    }
  }

  private launch(records: readonly OutboxRecord[]): void {
    const id = this.nextBatch++;
    this.inFlight.set(id, records[0]?.arrival ?? this.deps.clock.now());
    const work = this.process(records)
      .catch((error: unknown) => {
        // The batch stays in the outbox (it is re-read after an update or a restart).
        this.crashed('deliver', error);
      })
      .finally(() => {
        this.inFlight.delete(id);
        this.running.delete(work);
        this.schedule();
      });
    this.running.add(work);
  }

  private async process(records: readonly OutboxRecord[]): Promise<void> {
    const name = this.definition.name;
    const signal = this.abort.signal;
    const toTransform = this.transforms.length === 0 ? [] : records.filter((r) => !r.pretransformed);
    const ready: SinkRecord[] = records.filter((r) => this.transforms.length === 0 || r.pretransformed).map((r) => ({ id: String(r.seq), data: r.data, arrival: r.arrival }));
    let processingFailed: readonly ProcessingFailure[] = [];
    if (toTransform.length > 0) {
      const outcome = await runTransforms(this.transforms, toTransform.map((r) => ({ id: String(r.seq), data: r.data, arrival: r.arrival })), { streamArn: this.deps.streamArn, region: this.deps.region });
      ready.push(...outcome.ok);
      ready.sort((a, b) => Number(a.id) - Number(b.id));
      processingFailed = outcome.failed;
      this.stats.droppedRecords += outcome.dropped;
      for (const failure of outcome.failed.slice(0, 1)) {
        this.deps.telemetry.emit('stream_transform_failed', { stream: name, error_code: failure.errorCode }, { records: outcome.failed.length, message: failure.errorMessage });
      }
    }
    const oversize = ready.filter((r) => r.data.byteLength > this.sink.maxRecordBytes);
    const sendable = oversize.length === 0 ? ready : ready.filter((r) => r.data.byteLength <= this.sink.maxRecordBytes);

    if (this.definition.backup.mode === 'AllEvents' && sendable.length > 0) {
      if (!(await this.writeBackup(() => this.backup.writeAll(sendable.map((r) => r.data), this.deps.clock.now()), 'all', sendable.length))) return;
    }

    const attempted: Attempted = sendable.length === 0 ? { kind: 'delivered', attempts: 0 } : await this.deliverWithRetry(sendable, signal);
    if (attempted.kind === 'aborted') return;

    const now = this.deps.clock.now();
    if (processingFailed.length > 0) {
      const lines = processingFailed.map((f): FailedRecord => ({
        attemptsMade: f.attempts,
        arrivalTimestamp: f.arrival,
        errorCode: f.errorCode,
        errorMessage: f.errorMessage,
        attemptEndingTimestamp: now,
        rawData: Buffer.from(f.data).toString('base64'),
        lambdaArn: arns(this.deps.region, this.deps.accountId).lambdaFunction(f.functionName),
      }));
      if (!(await this.writeFailed('processing-failed', lines))) return;
    }
    const sinkFailures: FailedRecord[] = oversize.map((r) => this.failedLine(r, 0, 'Vigil.RecordTooLarge', `the record is ${r.data.byteLength} bytes, over the sink's maxRecordBytes ${this.sink.maxRecordBytes}`, now));
    if (attempted.kind === 'failed') {
      for (const r of sendable) sinkFailures.push(this.failedLine(r, attempted.attempts, attempted.errorCode, attempted.errorMessage, now));
      this.deps.telemetry.emit('stream_delivery_failed', { stream: name, error_code: attempted.errorCode }, { records: sendable.length, attempts: attempted.attempts, message: attempted.errorMessage });
    }
    if (sinkFailures.length > 0 && !(await this.writeFailed(this.kind.errorOutputType, sinkFailures))) return;

    this.deps.outbox.remove(name, records);
    if (attempted.kind === 'delivered' && sendable.length > 0) {
      let bytes = 0;
      for (const r of sendable) bytes += r.data.byteLength;
      this.stats.deliveredRecords += sendable.length;
      this.stats.deliveredBytes += bytes;
      this.deps.telemetry.count('stream_records_delivered', { stream: name }, sendable.length);
      this.deps.telemetry.count('stream_delivered_bytes', { stream: name }, bytes);
    }
  }

  /** Counts a throw (not a delivery error); pauses the pipeline after too many in a row. */
  private crashed(stage: string, error: unknown): void {
    this.crashes++;
    const message = error instanceof Error ? error.message : String(error);
    this.stats.lastError = { code: 'stream.batch_failed', message, at: this.deps.clock.now() };
    this.deps.telemetry.emit('component_error', { component: 'stream', code: 'stream.batch_failed', stage }, { stream: this.definition.name, err: error, consecutiveFailures: this.crashes });
    if (this.paused || this.crashes < (this.deps.pauseAfterFailures ?? 10)) return;
    this.paused = true;
    this.wake?.cancel();
    this.deps.telemetry.emit('unit_disabled', { component: 'stream', reason: 'failures' }, { stream: this.definition.name, failures: this.crashes, message, hint: 'records stay in the outbox; fix the sink, then `vigil stream update` (or restart) resumes' });
  }

  private failedLine(record: SinkRecord, attempts: number, errorCode: string, errorMessage: string, now: number): FailedRecord {
    return { attemptsMade: attempts, arrivalTimestamp: record.arrival, errorCode, errorMessage, attemptEndingTimestamp: now, rawData: Buffer.from(record.data).toString('base64'), ...this.kind.failedIds(record.id) };
  }

  private async deliverWithRetry(records: readonly SinkRecord[], signal: AbortSignal): Promise<Attempted> {
    const retryMs = this.definition.retryDurationSecs * 1000;
    let firstFailureAt: number | undefined;
    let ackWaitMs = 0;
    type Failure = Extract<Delivery, { ok: false }> & { readonly at: number };
    let thrown: { error: unknown } | undefined;
    const outcome = await retry<undefined, Failure | undefined>(
      async () => {
        const delivered = this.deps.telemetry.startTimer('stream_delivery_seconds');
        let delivery: Delivery;
        try {
          delivery = await this.sink.deliver(records, signal);
        } catch (error) {
          delivered({ stream: this.definition.name, result: 'error' });
          // A sink that throws has a bug, not an outage: no retry; the batch goes to backup.
          thrown = { error };
          return { ok: false, error: undefined, retryable: false };
        }
        delivered({ stream: this.definition.name, result: delivery.ok ? 'ok' : 'error' });
        // Stopping wins over the answer: the records stay in the outbox.
        if (signal.aborted) return { ok: false, error: undefined, retryable: false };
        if (delivery.ok) {
          this.crashes = 0;
          if (this.stats.lastError !== undefined) {
            this.stats.recoveredError = { ...this.stats.lastError, recoveredAt: this.deps.clock.now() };
            this.stats.lastError = undefined;
          }
          if (delivery.ackLatencyMs !== undefined) {
            this.stats.lastAckLatencyMs = delivery.ackLatencyMs;
            this.deps.telemetry.setGauge('stream_ack_latency_seconds', { stream: this.definition.name }, delivery.ackLatencyMs / 1000);
          }
          return { ok: true, value: undefined };
        }
        const at = this.deps.clock.now();
        this.stats.lastError = { code: delivery.errorCode, message: delivery.errorMessage, at };
        return { ok: false, error: { ...delivery, at }, retryable: delivery.retryable };
      },
      {
        timer: this.deps.timer,
        backoff: this.deps.backoff,
        signal,
        // Firehose: the retry clock starts at the first failure and does not count time spent waiting for acks.
        timeLeftMs: (failure) => {
          const at = failure?.at ?? this.deps.clock.now();
          if (firstFailureAt === undefined) firstFailureAt = at;
          else ackWaitMs += failure?.ackWaitMs ?? 0;
          return retryMs === 0 ? 0 : retryMs - (at - firstFailureAt - ackWaitMs);
        },
        onRetry: (attempt, failure) => {
          this.stats.retries++;
          this.deps.telemetry.emit('stream_delivery_retried', { stream: this.definition.name, error_code: failure?.errorCode ?? '' }, { attempt, message: failure?.errorMessage });
        },
      },
    );
    if (outcome.ok) return { kind: 'delivered', attempts: outcome.attempts };
    if (thrown !== undefined && !signal.aborted) {
      this.crashed('sink', thrown.error);
      const message = thrown.error instanceof Error ? thrown.error.message : String(thrown.error);
      return { kind: 'failed', attempts: outcome.attempts, errorCode: 'Vigil.SinkError', errorMessage: `the sink failed: ${message}` };
    }
    if (outcome.reason === 'aborted' || outcome.reason === 'stopped' || outcome.error === undefined) return { kind: 'aborted' };
    return { kind: 'failed', attempts: outcome.attempts, errorCode: outcome.error.errorCode, errorMessage: outcome.error.errorMessage };
  }

  private writeFailed(type: ErrorOutputType, lines: readonly FailedRecord[]): Promise<boolean> {
    return this.writeBackup(() => this.backup.writeFailed(type, lines, this.deps.clock.now()), type, lines.length);
  }

  /** Writes to backup, retrying until it works: a record leaves the outbox only once it is somewhere safe. */
  private async writeBackup(write: () => Promise<string>, folder: string, count: number): Promise<boolean> {
    for (;;) {
      try {
        const path = await write();
        this.stats.backedUp[folder] = (this.stats.backedUp[folder] ?? 0) + count;
        this.deps.telemetry.emit('stream_records_backed_up', { stream: this.definition.name, folder }, { records: count, path }, count);
        return true;
      } catch (error) {
        this.deps.telemetry.emit('component_error', { component: 'stream', code: 'stream.backup_failed', stage: 'backup' }, { stream: this.definition.name, err: error });
        try {
          await this.deps.timer.sleep(BACKUP_RETRY_MS, this.abort.signal);
        } catch {
          return false;
        }
      }
    }
  }

  /** Stops reading, aborts in-flight deliveries (their records stay in the outbox) and waits for them. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.cancel();
    this.abort.abort(new Error('stream stopping'));
    await Promise.allSettled([...this.running]);
    await this.sink.stop();
    for (const { transform } of this.transforms) await transform.close();
  }
}
