import type { TimerHandle } from '../../core/index.js';
import type { Message } from './message.js';
import type { SubscriptionOptions } from './topic-tree.js';

/** A message on its way to one subscriber. */
export interface Outgoing {
  readonly message: Message;
  readonly qos: 0 | 1;
  readonly retain: boolean;
  /** The Receive decision was already made (a delivery the hooks deferred and then allowed). */
  readonly authorized: boolean;
}

/** What a session needs from the connection it is attached to. */
export interface SessionLink {
  /** The client's Receive Maximum: QoS 1 messages it accepts unacknowledged. */
  readonly receiveMaximum: number;
  /** Writes one PUBLISH; false when it was not sent (Receive denied, expired, too large for the client). */
  send(outgoing: Outgoing, messageId: number | undefined, dup: boolean): boolean;
}

/**
 * The state that outlives a connection when the client asked for it (MQTT 5 Clean Start 0 +
 * Session Expiry Interval; 3.1.1 Clean Session 0): subscriptions, QoS 1 messages not yet
 * acknowledged, and QoS 1 messages queued while offline or while the client's Receive Maximum is
 * reached (capped: the oldest beyond the cap are dropped and counted).
 */
export class Session {
  readonly subscriptions = new Map<string, SubscriptionOptions>();
  link: SessionLink | undefined;
  /** Seconds the session outlives its connection (0: it ends with it). */
  expirySecs = 0;
  expiry: TimerHandle | undefined;
  private readonly inflight = new Map<number, Outgoing>();
  private readonly queue: Outgoing[] = [];
  private nextId = 0;

  constructor(
    readonly clientId: string,
    private readonly maxQueued: number,
    private readonly onDropped: () => void,
  ) {}

  get online(): boolean {
    return this.link !== undefined;
  }

  get queued(): number {
    return this.queue.length;
  }

  get unacknowledged(): number {
    return this.inflight.size;
  }

  deliver(outgoing: Outgoing): void {
    const link = this.link;
    if (outgoing.qos === 0) {
      if (link !== undefined) link.send(outgoing, undefined, false);
      return;
    }
    if (link !== undefined && this.queue.length === 0 && this.inflight.size < link.receiveMaximum) return this.sendQos1(link, outgoing);
    if (this.queue.length >= this.maxQueued) {
      this.queue.shift();
      this.onDropped();
    }
    this.queue.push(outgoing);
  }

  /** The client acknowledged a QoS 1 message: the window moves on. */
  acknowledged(messageId: number): boolean {
    if (!this.inflight.delete(messageId)) return false;
    this.drain();
    return true;
  }

  /** A connection takes the session: unacknowledged messages are sent again (DUP), then the queue. */
  attach(link: SessionLink): void {
    this.link = link;
    this.expiry?.cancel();
    this.expiry = undefined;
    for (const [messageId, outgoing] of this.inflight) {
      if (!link.send(outgoing, messageId, true)) this.inflight.delete(messageId);
    }
    this.drain();
  }

  /** QoS 1 messages not yet acknowledged, then the queue, oldest first (a session moving to another node). */
  pending(): Outgoing[] {
    return [...this.inflight.values(), ...this.queue];
  }

  detach(link: SessionLink): void {
    if (this.link === link) this.link = undefined;
  }

  private drain(): void {
    const link = this.link;
    if (link === undefined) return;
    while (this.queue.length > 0 && this.inflight.size < link.receiveMaximum) this.sendQos1(link, this.queue.shift() as Outgoing);
  }

  private sendQos1(link: SessionLink, outgoing: Outgoing): void {
    const messageId = this.allocate();
    if (link.send(outgoing, messageId, false)) this.inflight.set(messageId, outgoing);
  }

  private allocate(): number {
    for (;;) {
      this.nextId = this.nextId >= 65_535 ? 1 : this.nextId + 1;
      if (!this.inflight.has(this.nextId)) return this.nextId;
    }
  }
}
