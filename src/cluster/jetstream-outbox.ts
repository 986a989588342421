import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { VigilError, err, ok, type BackoffPolicy, type Clock, type Result, type Timer, type TimerHandle } from '../core/index.js';
import type { Outbox, OutboxAppended, OutboxRecord, ReplayRun } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { ensureStream, retryJetStream } from './jetstream-streams.js';

type JetStreamModule = typeof import('@nats-io/jetstream');

/** How long a put keeps retrying its JetStream publish (a NATS server dying, a stream leader moving) before it is refused. */
const PUBLISH_RETRY_MS = 20_000;
/** The waits between a put's publish attempts: 100 ms doubling to 1 s. */
const PUBLISH_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0 };
type JsMsg = import('@nats-io/jetstream').JsMsg;
type ConsumerMessages = import('@nats-io/jetstream').ConsumerMessages;

export interface JetStreamOutboxOptions {
  readonly connection: NatsConnection;
  /** Subject prefix of the cluster (`cluster.subject_prefix`). */
  readonly prefix: string;
  /** Replicas of the JetStream stream (3 on a 3-server NATS cluster; at most the number of servers). */
  readonly replicas: number;
  /** Most bytes the JetStream stream holds; a put beyond it is refused (`stream.unavailable`). */
  readonly maxBytes: number;
  /**
   * How long a record fetched by a node may stay unacknowledged before NATS gives it to another node.
   * Records still in this node's hands are kept alive (`working`) every half of it.
   */
  readonly ackWaitMs: number;
  /** Replay bookkeeping (`vigil stream replay`) stays on the node: the local outbox keeps it. */
  readonly local: Outbox;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
}

interface Held {
  readonly record: OutboxRecord;
  readonly message: JsMsg;
  readonly bytes: number;
}

/**
 * A delivery stream's buffer in cluster mode: one replicated JetStream stream (work-queue retention)
 * holds every node's puts, and an append resolves only after JetStream stored the records. Each
 * delivery stream has one durable consumer that every node pulls from, so its records are delivered
 * by whichever node is up: a node fetches records into its hands (numbered locally, in fetch order),
 * the stream's pipeline reads and delivers them as from any outbox, and `remove` acknowledges them to
 * JetStream. A node that dies leaves its records unacknowledged; after the ack wait NATS hands them to
 * another node, so nothing accepted is lost (a record whose acknowledgement was lost may be delivered
 * twice: delivery is at least once, as Firehose's is).
 */
export class JetStreamOutbox implements Outbox {
  private readonly held = new Map<string, Map<number, Held>>();
  private readonly consumers = new Map<string, ConsumerMessages>();
  private nextSeq = 0;
  private heldBytes = 0;
  private closed = false;
  private keepAlive: TimerHandle | undefined;
  private appendedListener: (stream: string, appended: OutboxAppended) => void = () => undefined;

  private constructor(
    private readonly options: JetStreamOutboxOptions,
    private readonly js: JetStreamModule,
    private readonly headers: typeof import('@nats-io/transport-node').headers,
    private readonly client: import('@nats-io/jetstream').JetStreamClient,
    private readonly manager: import('@nats-io/jetstream').JetStreamManager,
  ) {}

  /** Creates (or updates) the JetStream stream and starts keeping fetched records alive. */
  static async open(options: JetStreamOutboxOptions): Promise<JetStreamOutbox> {
    const js = await import('@nats-io/jetstream');
    const { headers } = await import('@nats-io/transport-node');
    const manager = await ensureStream(
      options.connection,
      {
        name: outboxStreamName(options.prefix),
        subjects: [`${options.prefix}.outbox.>`],
        retention: js.RetentionPolicy.Workqueue,
        storage: js.StorageType.File,
        num_replicas: options.replicas,
        max_bytes: options.maxBytes,
        discard: js.DiscardPolicy.New,
      },
      options,
    );
    const outbox = new JetStreamOutbox(options, js, headers, js.jetstream(options.connection), manager);
    outbox.keepAlive = options.timer.setInterval(() => outbox.touch(), Math.max(500, options.ackWaitMs / 2));
    return outbox;
  }

  /** Ids that make a retried publish a duplicate JetStream drops (within its 2 min duplicate window). */
  private readonly instance = randomUUID();
  private published = 0;

  /**
   * Publishes one record and waits for JetStream's acknowledgement. While a NATS server dies, its
   * clients move and the stream elects a new leader: a publish fails or times out for a few seconds.
   * It is retried under the same message id (so a publish that was stored but not acknowledged is
   * not stored twice) for up to PUBLISH_RETRY_MS; only then is the put refused.
   */
  private store(subject: string, data: Uint8Array, headers: import('@nats-io/transport-node').MsgHdrs, msgID: string): Promise<{ seq: number }> {
    const { clock, timer, telemetry } = this.options;
    return retryJetStream(() => this.client.publish(subject, data, { headers, msgID, timeout: 5000 }), {
      clock,
      timer,
      budgetMs: PUBLISH_RETRY_MS,
      backoff: PUBLISH_BACKOFF,
      retryable: () => !this.closed,
      // One count per put that needed a retry, however many it took.
      onRetry: (attempt) => {
        if (attempt === 1) telemetry.count('cluster_publish_retried', {});
      },
    });
  }

  get streamName(): string {
    return outboxStreamName(this.options.prefix);
  }

  get bytes(): number {
    return this.heldBytes;
  }

  onAppended(listener: (stream: string, appended: OutboxAppended) => void): void {
    this.appendedListener = listener;
  }

  async append(stream: string, records: readonly Uint8Array[], options: { pretransformed?: boolean | readonly boolean[]; replayMark?: string } = {}): Promise<Result<OutboxAppended>> {
    if (this.closed) return err(new VigilError('stream.unavailable', 'the stream outbox is closed'));
    const arrival = this.options.clock.now();
    const subject = this.subject(stream);
    let acks: Array<{ seq: number }>;
    try {
      acks = await Promise.all(
        records.map((data, i) => {
          const headers = this.headers();
          headers.set('Vigil-Arrival', String(arrival));
          const flag = Array.isArray(options.pretransformed) ? options.pretransformed[i] === true : options.pretransformed === true;
          if (flag) headers.set('Vigil-Pretransformed', '1');
          return this.store(subject, data, headers, `${this.instance}-${++this.published}`);
        }),
      );
    } catch (error) {
      return err(new VigilError('stream.unavailable', `JetStream did not store the records: ${error instanceof Error ? error.message : String(error)}`, { hint: 'retry: the put was not acknowledged, nothing of it counts as accepted', cause: error }));
    }
    // Replay bookkeeping (which backup objects were put again) stays on this node.
    if (options.replayMark !== undefined) await this.options.local.append(stream, [], { replayMark: options.replayMark });
    const bytes = records.reduce((sum, r) => sum + r.byteLength, 0);
    // Record ids: JetStream's sequence numbers, unique across the cluster. The pipeline numbers
    // records again when a node fetches them (see `accept`).
    return ok({ seqs: acks.map((a) => a.seq), arrival, bytes });
  }

  read(stream: string, afterSeq: number, maxBytes: number, maxRecords = Number.POSITIVE_INFINITY): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    let bytes = 0;
    for (const [seq, held] of this.held.get(stream) ?? []) {
      if (seq <= afterSeq) continue;
      if (out.length > 0 && (bytes + held.bytes > maxBytes || out.length >= maxRecords)) break;
      out.push(held.record);
      bytes += held.bytes;
    }
    return out;
  }

  remove(stream: string, records: readonly OutboxRecord[]): void {
    const held = this.held.get(stream);
    for (const record of records) {
      const entry = held?.get(record.seq);
      if (entry === undefined) continue;
      entry.message.ack();
      held?.delete(record.seq);
      this.heldBytes -= entry.bytes;
    }
  }

  stats(stream: string, afterSeq = 0): { records: number; bytes: number; oldest: number | undefined } {
    let records = 0;
    let bytes = 0;
    let oldest: number | undefined;
    for (const [seq, held] of this.held.get(stream) ?? []) {
      if (seq <= afterSeq) continue;
      records++;
      bytes += held.bytes;
      oldest = oldest === undefined ? held.record.arrival : Math.min(oldest, held.record.arrival);
    }
    return { records, bytes, oldest };
  }

  firstArrivalAfter(stream: string, afterSeq: number): number | undefined {
    for (const [seq, held] of this.held.get(stream) ?? []) if (seq > afterSeq) return held.record.arrival;
    return undefined;
  }

  dropStream(stream: string): void {
    this.wanted.delete(stream);
    this.consumers.get(stream)?.stop();
    this.consumers.delete(stream);
    for (const held of this.held.get(stream)?.values() ?? []) {
      held.message.term();
      this.heldBytes -= held.bytes;
    }
    this.held.delete(stream);
    this.options.local.dropStream(stream);
    void this.manager.consumers.delete(this.streamName, this.durable(stream)).catch(() => undefined);
    void this.manager.streams.purge(this.streamName, { filter: this.subject(stream) }).catch(() => undefined);
  }

  replayMarks(stream: string): Set<string> {
    return this.options.local.replayMarks(stream);
  }

  replayTotals(stream: string): { objects: number; records: number } {
    return this.options.local.replayTotals(stream);
  }

  beginReplay(stream: string, resumed: boolean): void {
    this.options.local.beginReplay(stream, resumed);
  }

  finishReplay(stream: string, resumedObjects: number): ReplayRun {
    return this.options.local.finishReplay(stream, resumedObjects);
  }

  replayRun(stream: string): ReplayRun | undefined {
    return this.options.local.replayRun(stream);
  }

  interruptedReplays(): string[] {
    return this.options.local.interruptedReplays();
  }

  /**
   * The delivery streams that exist (told by the stream engine at start and after each definition
   * change, wherever it was made): this node fetches the records of each of them, and stops fetching
   * those of a stream that is gone (the records in its hands go back to JetStream).
   */
  streams(names: readonly string[]): void {
    this.wanted = new Set(names);
    for (const name of this.wanted) this.ensureConsumer(name);
    for (const name of [...this.consumers.keys()]) {
      if (this.wanted.has(name)) continue;
      this.consumers.get(name)?.stop();
      this.consumers.delete(name);
      this.release(name);
    }
  }

  /** Hands the records of `stream` in this node's hands back to JetStream. */
  private release(stream: string): void {
    for (const held of this.held.get(stream)?.values() ?? []) {
      held.message.nak();
      this.heldBytes -= held.bytes;
    }
    this.held.delete(stream);
  }

  /** Starts fetching a delivery stream's records (idempotent). */
  private ensureConsumer(stream: string): void {
    if (this.closed || this.consumers.has(stream) || this.starting.has(stream)) return;
    this.starting.add(stream);
    void this.startConsumer(stream)
      .catch((error: unknown) => this.options.telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'outbox_consumer' }, { err: error, stream }))
      .finally(() => this.starting.delete(stream));
  }

  private readonly starting = new Set<string>();
  private wanted = new Set<string>();

  private async startConsumer(stream: string): Promise<void> {
    const durable = this.durable(stream);
    const settings = { durable_name: durable, filter_subject: this.subject(stream), ack_policy: this.js.AckPolicy.Explicit, ack_wait: this.options.ackWaitMs * 1_000_000, max_ack_pending: 10_000 };
    // Adding a durable consumer with the same settings again is accepted; every node does it.
    await this.manager.consumers.add(this.streamName, settings).catch(async (error: unknown) => {
      if (!(error instanceof this.js.JetStreamApiError)) throw error;
      await this.manager.consumers.info(this.streamName, durable);
    });
    const consumer = await this.client.consumers.get(this.streamName, durable);
    const messages = await consumer.consume({ max_messages: 1000 });
    // Closed, or the stream was deleted while its consumer was starting.
    if (this.closed || !this.wanted.has(stream)) return void messages.stop();
    this.consumers.set(stream, messages);
    for await (const message of messages) this.accept(stream, message);
  }

  private accept(stream: string, message: JsMsg): void {
    const seq = ++this.nextSeq;
    const arrival = Number(message.headers?.get('Vigil-Arrival') ?? this.options.clock.now());
    const record: OutboxRecord = { seq, data: message.data, arrival, pretransformed: message.headers?.get('Vigil-Pretransformed') === '1' };
    let held = this.held.get(stream);
    if (held === undefined) this.held.set(stream, (held = new Map()));
    held.set(seq, { record, message, bytes: message.data.byteLength });
    this.heldBytes += message.data.byteLength;
    this.appendedListener(stream, { seqs: [seq], arrival, bytes: message.data.byteLength });
  }

  /** Tells JetStream the records in this node's hands are still being worked on. */
  private touch(): void {
    for (const held of this.held.values()) for (const entry of held.values()) entry.message.working();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.keepAlive?.cancel();
    for (const messages of this.consumers.values()) messages.stop();
    this.consumers.clear();
    // Records in hand go back at once, so another node delivers them without waiting for the ack wait.
    for (const held of this.held.values()) for (const entry of held.values()) entry.message.nak();
    this.held.clear();
    this.heldBytes = 0;
    this.options.local.close();
  }

  private subject(stream: string): string {
    return `${this.options.prefix}.outbox.${Buffer.from(stream).toString('hex')}`;
  }

  private durable(stream: string): string {
    return `outbox-${Buffer.from(stream).toString('hex')}`;
  }
}

function outboxStreamName(prefix: string): string {
  return `${prefix.toUpperCase()}_OUTBOX`;
}
