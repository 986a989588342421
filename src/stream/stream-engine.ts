import { join, relative } from 'node:path';
import { VigilError, err, ok, type Clock, type Result, type Timer, type TimerHandle } from '../core/index.js';
import type { Component, Outbox, StreamDefinition, StreamStore } from '../model/index.js';
import { arns } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { BackupWriter, findFailedObjects, markReplayed } from './backup.js';
import type { StreamConfig } from './config.js';
import { buildDefinition, redactDefinition } from './definition.js';
import { emptyStats, StreamPipeline, type StreamStats } from './pipeline.js';
import type { ReplayResult, ReplayStatus, StreamService, StreamStatus } from './stream-service.js';
import { sinkKind } from './sinks/index.js';
import { transformKind } from './transforms/index.js';

export type { ReplayResult, ReplayStatus, StreamService, StreamStatus } from './stream-service.js';

/** Firehose's per-record size limit (before base64). */
export const MAX_RECORD_BYTES = 1_024_000;

export interface StreamEngineDeps {
  readonly store: StreamStore;
  readonly outbox: Outbox;
  readonly config: StreamConfig;
  /** `<backup_dir>`; each stream writes under `<backupRoot>/<stream>/`. */
  readonly backupRoot: string;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  readonly region: string;
  readonly accountId: string;
}

const REDACTED = '********';

/** Streams: CRUD over the store, one pipeline per stream, puts into the shared outbox, status, replay. */
export class StreamEngine implements Component, StreamService {
  readonly name = 'stream';
  private readonly pipelines = new Map<string, StreamPipeline>();
  private readonly stats = new Map<string, StreamStats>();
  /** Stored streams whose definition failed validation at start: listed and reported, not running. */
  private readonly invalid = new Map<string, VigilError>();
  private gauges: TimerHandle | undefined;
  private lock: Promise<unknown> = Promise.resolve();
  /** Replays running in this process, with their progress; one per stream at a time. */
  private readonly replays = new Map<string, { resumedObjects: number; done: Promise<unknown> }>();
  private stopping = false;
  /** The stored version each stream runs (or was found invalid) at. */
  private readonly loaded = new Map<string, number>();
  private readonly changeListeners = new Set<(name: string) => void>();
  private started = false;

  constructor(private readonly deps: StreamEngineDeps) {
    deps.outbox.onAppended((stream, appended) => this.pipelines.get(stream)?.appended(appended));
  }

  /**
   * Starts a pipeline per stored stream. One whose definition no longer validates (a row from
   * another version, a hand edit) is loaded disabled and reported, so one bad row cannot stop the
   * start; `vigil stream update` with a valid definition brings it back.
   */
  async start(): Promise<void> {
    this.stopping = false;
    // Under the lock, so that a resync (a change made on another node) waits for the pipelines.
    const definitions = await this.exclusive(async () => {
      const stored = await this.deps.store.list();
      for (const definition of stored) this.startStored(definition);
      this.started = true;
      this.announce();
      return stored;
    });
    // A replay the previous process did not finish continues where it stopped.
    const names = new Set(definitions.map((d) => d.name));
    for (const stream of this.deps.outbox.interruptedReplays()) {
      if (!names.has(stream) || this.invalid.has(stream)) continue;
      this.deps.telemetry.emit('stream_replay_resumed', { stream });
      this.runReplay(stream, true).catch((error: unknown) => {
        this.deps.telemetry.emit('component_error', { component: 'stream', code: error instanceof VigilError ? error.code : 'stream.replay_failed', stage: 'replay' }, { stream, err: error instanceof Error ? error.message : String(error) });
      });
    }
    this.gauges = this.deps.timer.setInterval(() => this.refreshGauges(), this.deps.config.metrics_interval_secs * 1000);
  }

  /** Starts a stored definition's pipeline; one that no longer validates is loaded disabled and reported. */
  private startStored(definition: StreamDefinition): void {
    try {
      const { version: _v, createdAt: _c, updatedAt: _u, ...input } = definition;
      const checked = buildDefinition(input, definition.updatedAt);
      if (!checked.ok) throw checked.error;
      this.startPipeline(definition);
    } catch (error) {
      const reason = error instanceof VigilError ? error : new VigilError('stream.invalid_definition', error instanceof Error ? error.message : String(error));
      this.invalid.set(definition.name, reason);
      this.loaded.set(definition.name, definition.version);
      this.deps.telemetry.emit('unit_disabled', { component: 'stream', reason: 'invalid' }, { stream: definition.name, message: reason.message, hint: 'fix it with `vigil stream update` or delete it' });
    }
  }

  /** Tells the outbox which streams run (a shared buffer fetches exactly their records). */
  private announce(): void {
    this.deps.outbox.streams?.([...this.pipelines.keys()]);
  }

  /** Calls `listener` after each definition created, updated or deleted through this engine; returns the unsubscribe function. */
  onDefinitionChanged(listener: (name: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => void this.changeListeners.delete(listener);
  }

  private changed(name: string): void {
    this.announce();
    for (const listener of [...this.changeListeners]) listener(name);
  }

  /**
   * Brings the pipelines in line with the stored definitions after they changed elsewhere (another
   * node of a cluster): a new stream starts, a changed one restarts at its new version, a deleted one
   * stops. Records are not touched: the node that deleted a stream dropped its buffer.
   */
  resync(): Promise<void> {
    return this.exclusive(async () => {
      if (!this.started || this.stopping) return;
      const stored = new Map((await this.deps.store.list()).map((d) => [d.name, d]));
      for (const name of new Set([...this.loaded.keys(), ...stored.keys()])) {
        const definition = stored.get(name);
        if (definition !== undefined && this.loaded.get(name) === definition.version) continue;
        await this.pipelines.get(name)?.stop();
        this.pipelines.delete(name);
        this.invalid.delete(name);
        this.loaded.delete(name);
        if (definition === undefined) this.stats.delete(name);
        else this.startStored(definition);
        this.deps.telemetry.emit('stream_changed', { stream: name, action: definition === undefined ? 'deleted' : 'synced' }, { origin: 'cluster' });
      }
      this.announce();
    });
  }

  async stop(): Promise<void> {
    this.gauges?.cancel();
    // Running replays stop after their current object and resume at the next start.
    this.stopping = true;
    this.started = false;
    await Promise.all([...this.replays.values()].map((r) => r.done.catch(() => undefined)));
    await Promise.all([...this.pipelines.values()].map((p) => p.stop()));
    this.pipelines.clear();
    this.loaded.clear();
  }

  arn(name: string): string {
    return arns(this.deps.region, this.deps.accountId).deliveryStream(name);
  }

  redact(definition: StreamDefinition): StreamDefinition {
    return redactDefinition(definition);
  }

  /** Serializes definition changes so a pipeline restart never races another. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  create(input: unknown): Promise<StreamDefinition> {
    return this.exclusive(async () => {
      const built = buildDefinition(input, this.deps.clock.now());
      if (!built.ok) throw built.error;
      if (!(await this.deps.store.create(built.value))) {
        throw new VigilError('stream.already_exists', `delivery stream ${built.value.name} already exists`, { hint: 'use `vigil stream update`, or delete it first' });
      }
      this.deps.telemetry.emit('stream_changed', { stream: built.value.name, action: 'created' }, { sink: built.value.sink.type });
      this.startPipeline(built.value);
      this.changed(built.value.name);
      return built.value;
    });
  }

  update(name: string, input: unknown, expectedVersion?: number): Promise<StreamDefinition> {
    return this.exclusive(async () => {
      const previous = await this.get(name);
      if (expectedVersion !== undefined && expectedVersion !== previous.version) {
        throw new VigilError('stream.version_conflict', `stream ${name} is at version ${previous.version}, not ${expectedVersion}`, { hint: 'describe it again and retry' });
      }
      // A described definition can be edited and sent back: its read-only fields are ignored.
      const { version: _v, createdAt: _c, updatedAt: _u, ...rest } = (input ?? {}) as Record<string, unknown>;
      const given: Record<string, unknown> = { ...rest, name };
      const sink = given['sink'] as Record<string, unknown> | undefined;
      // A describe → edit → update round trip carries the redacted secret: keep the stored one.
      if (sink !== undefined) for (const key of ['token', 'accessKey']) if (sink[key] === REDACTED) sink[key] = previous.sink[key];
      const built = buildDefinition(given, this.deps.clock.now(), previous);
      if (!built.ok) throw built.error;
      if (!(await this.deps.store.update(built.value, previous.version))) {
        throw new VigilError('stream.version_conflict', `stream ${name} changed while it was being updated`, { hint: 'retry' });
      }
      await this.pipelines.get(name)?.stop();
      this.pipelines.delete(name);
      this.invalid.delete(name);
      this.startPipeline(built.value);
      this.deps.telemetry.emit('stream_changed', { stream: name, action: 'updated' }, { version: built.value.version });
      this.changed(name);
      return built.value;
    });
  }

  async get(name: string): Promise<StreamDefinition> {
    const definition = await this.deps.store.get(name);
    if (definition === undefined) throw notFound(name);
    return definition;
  }

  list(): Promise<StreamDefinition[]> {
    return this.deps.store.list();
  }

  delete(name: string): Promise<void> {
    return this.exclusive(async () => {
      if (!(await this.deps.store.delete(name))) throw notFound(name);
      await this.pipelines.get(name)?.stop();
      this.pipelines.delete(name);
      this.stats.delete(name);
      this.invalid.delete(name);
      this.loaded.delete(name);
      this.deps.outbox.dropStream(name);
      this.deps.telemetry.emit('stream_changed', { stream: name, action: 'deleted' });
      this.changed(name);
    });
  }

  async put(streamName: string, records: readonly Uint8Array[]): Promise<Result<readonly string[]>> {
    const invalid = this.invalid.get(streamName);
    if (invalid !== undefined) return err(new VigilError('stream.unavailable', `delivery stream ${streamName} is disabled: its stored definition is invalid (${invalid.message})`, { hint: 'an operator must fix it with `vigil stream update`; retry later' }));
    if (!this.pipelines.has(streamName)) return err(notFound(streamName));
    for (const [index, record] of records.entries()) {
      if (record.byteLength > MAX_RECORD_BYTES) {
        return err(new VigilError('stream.invalid_record', `record ${index} is ${record.byteLength} bytes; the limit is ${MAX_RECORD_BYTES} (1,000 KiB)`));
      }
    }
    const appended = await this.deps.outbox.append(streamName, records);
    if (!appended.ok) {
      this.deps.telemetry.emit('stream_put_refused', { stream: streamName, reason: String(appended.error.details?.['reason'] ?? 'outbox_error') }, { records: records.length, message: appended.error.message });
      return appended;
    }
    this.deps.telemetry.count('stream_records_received', { stream: streamName }, records.length);
    this.deps.telemetry.count('stream_received_bytes', { stream: streamName }, appended.value.bytes);
    return ok(appended.value.seqs.map(recordId));
  }

  async status(name: string): Promise<StreamStatus> {
    const definition = await this.get(name);
    const pipeline = this.pipelines.get(name);
    const stats = this.stats.get(name) ?? emptyStats();
    const outbox = this.deps.outbox.stats(name);
    const invalid = this.invalid.get(name);
    if (invalid !== undefined) stats.lastError ??= { code: invalid.code, message: invalid.message, at: definition.updatedAt };
    // A stored definition that failed validation may lack even its sink.
    const sinkType = (definition as { readonly sink?: { readonly type?: unknown } }).sink?.type;
    return {
      name,
      version: definition.version,
      sink: typeof sinkType === 'string' ? sinkType : 'unknown',
      incomingRecords: stats.incomingRecords,
      incomingBytes: stats.incomingBytes,
      deliveredRecords: stats.deliveredRecords,
      deliveredBytes: stats.deliveredBytes,
      droppedRecords: stats.droppedRecords,
      retries: stats.retries,
      backedUpRecords: { ...stats.backedUp },
      outboxRecords: outbox.records,
      outboxBytes: outbox.bytes,
      inFlightBatches: pipeline?.inFlightBatches ?? 0,
      dataFreshnessSecs: Math.round((pipeline?.freshnessMs() ?? 0) / 100) / 10,
      lastAckLatencyMs: stats.lastAckLatencyMs ?? null,
      lastError: stats.lastError === undefined ? null : { code: stats.lastError.code, message: stats.lastError.message, at: new Date(stats.lastError.at).toISOString() },
      recoveredError: stats.recoveredError === undefined ? null : { code: stats.recoveredError.code, message: stats.recoveredError.message, at: new Date(stats.recoveredError.at).toISOString(), recoveredAt: new Date(stats.recoveredError.recoveredAt).toISOString() },
      probe: stats.probe === undefined ? null : { ok: stats.probe.ok, detail: stats.probe.detail },
      state: this.invalid.has(name) ? 'INVALID' : pipeline?.paused === true ? 'PAUSED_AFTER_FAILURES' : 'ACTIVE',
      replay: this.replayStatus(name),
    };
  }

  private replayStatus(name: string): ReplayStatus | null {
    const run = this.deps.outbox.replayRun(name);
    if (run === undefined) return null;
    const counts = run.state === 'running' ? { ...this.deps.outbox.replayTotals(name), resumedObjects: run.resumedObjects + (this.replays.get(name)?.resumedObjects ?? 0) } : run;
    return {
      state: run.state,
      startedAt: new Date(run.startedAt).toISOString(),
      finishedAt: run.finishedAt === undefined ? null : new Date(run.finishedAt).toISOString(),
      objects: counts.objects,
      records: counts.records,
      resumedObjects: counts.resumedObjects,
      resumes: run.resumes,
    };
  }

  /**
   * Re-puts every failed record found in the stream's backup, then moves those objects to
   * `replayed/`. One replay per stream at a time: another while one runs is refused (409
   * `stream.conflict`). An object's records and its progress mark commit in one outbox transaction,
   * so a replay cut short (even by kill -9) resumes at the next start without putting an object twice.
   */
  async replay(name: string): Promise<ReplayResult> {
    await this.get(name);
    return this.runReplay(name, false);
  }

  private runReplay(name: string, resumed: boolean): Promise<ReplayResult> {
    const running = this.replays.get(name);
    if (running !== undefined) {
      const sofar = this.deps.outbox.replayTotals(name);
      throw new VigilError('stream.conflict', `a replay of stream ${name} is already running (${sofar.objects} backup objects, ${sofar.records} records queued so far)`, {
        hint: `wait for it to finish: \`vigil stream status ${name}\` shows its progress; a replay re-puts every failed record once`,
      });
    }
    const progress = { resumedObjects: 0, done: Promise.resolve() as Promise<unknown> };
    this.replays.set(name, progress);
    const done = (async (): Promise<ReplayResult> => {
      // A run left unfinished (its resume at start failed, e.g. the outbox was full) is continued, not restarted.
      this.deps.outbox.beginReplay(name, resumed || this.deps.outbox.replayRun(name)?.state === 'running');
      const root = this.backupRootOf(name);
      const marks = this.deps.outbox.replayMarks(name);
      for (const object of await findFailedObjects(root)) {
        if (this.stopping) throw new VigilError('stream.unavailable', `Vigil is stopping; the replay of ${name} resumes where it stopped at the next start`);
        const key = relative(root, object.path);
        if (marks.has(key)) {
          // Committed to the outbox before the interruption; only the move to replayed/ was missing.
          progress.resumedObjects++;
        } else {
          // processing-failed lines hold the original record (transform again); others hold transformed bytes.
          const appended = await this.deps.outbox.append(name, object.records.map((r) => Buffer.from(r.rawData, 'base64')), { pretransformed: object.records.map((r) => r.lambdaArn === undefined), replayMark: key });
          if (!appended.ok) throw appended.error;
        }
        await markReplayed(root, object.path);
      }
      const run = this.deps.outbox.finishReplay(name, progress.resumedObjects);
      const result = { objects: run.objects, records: run.records, resumedObjects: run.resumedObjects, resumes: run.resumes };
      this.deps.telemetry.emit('stream_replayed', { stream: name }, result);
      return result;
    })();
    progress.done = done;
    return done.finally(() => this.replays.delete(name));
  }

  private backupRootOf(name: string): string {
    return join(this.deps.backupRoot, name);
  }

  private startPipeline(definition: StreamDefinition): void {
    const kind = sinkKind(definition.sink.type);
    if (kind === undefined) {
      this.deps.telemetry.emit('component_error', { component: 'stream', code: 'stream.unknown_sink', stage: 'start' }, { stream: definition.name, sink: definition.sink.type });
      return;
    }
    const transforms = definition.processors.map((p) => {
      const transform = (transformKind(p.type) as NonNullable<ReturnType<typeof transformKind>>).create(p.parameters, {
        timeoutMs: this.deps.config.transform_timeout_secs * 1000,
        memoryMb: this.deps.config.transform_memory_mb,
      });
      return { transform, retries: Number(p.parameters['NumberOfRetries'] ?? p.parameters['numberOfRetries'] ?? 3) };
    });
    const stats = this.stats.get(definition.name) ?? emptyStats();
    this.stats.set(definition.name, stats);
    const context = { stream: definition.name, streamArn: this.arn(definition.name), version: definition.version, clock: this.deps.clock, timer: this.deps.timer };
    const pipeline = new StreamPipeline(definition, kind, kind.create(definition.sink as Record<string, unknown>, context), transforms, new BackupWriter(this.backupRootOf(definition.name), definition.name, definition.version, definition.backup), stats, {
      outbox: this.deps.outbox,
      clock: this.deps.clock,
      timer: this.deps.timer,
      telemetry: this.deps.telemetry,
      backoff: { initialMs: this.deps.config.retry_initial_ms, maxMs: this.deps.config.retry_max_ms, multiplier: 2, jitter: 1 },
      pauseAfterFailures: this.deps.config.pause_after_failures,
      streamArn: this.arn(definition.name),
      region: this.deps.region,
      accountId: this.deps.accountId,
    });
    this.pipelines.set(definition.name, pipeline);
    this.loaded.set(definition.name, definition.version);
    pipeline.start();
  }

  private refreshGauges(): void {
    for (const [name, pipeline] of this.pipelines) {
      this.deps.telemetry.setGauge('stream_data_freshness_seconds', { stream: name }, pipeline.freshnessMs() / 1000);
    }
    this.deps.telemetry.setGauge('stream_outbox_bytes', {}, this.deps.outbox.bytes);
  }
}

function notFound(name: string): VigilError {
  return new VigilError('stream.not_found', `delivery stream ${name} not found`, { hint: 'list streams with `vigil stream list`' });
}

/** Firehose-looking record ids: the outbox sequence number, zero-padded. */
function recordId(seq: number): string {
  return String(seq).padStart(20, '0');
}
