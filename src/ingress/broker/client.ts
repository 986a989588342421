import type { Socket } from 'node:net';
import mqttPacket, { type IConnectPacket, type IPublishPacket, type ISubscribePacket, type IUnsubscribePacket, type Packet } from 'mqtt-packet';
import { Framer } from './framer.js';
import { parseFrame } from './shared-parser.js';
import { NO_PROPERTIES, ReasonCode, connackReturnCode, messageOf, type Message } from './message.js';
import type { Outgoing, Session, SessionLink } from './session.js';
import { validFilter, validTopic, parseShared, type SubscriptionOptions } from './topic-tree.js';
import type { ClientHost } from './hooks.js';

/** How a connection ended, for the hooks (lifecycle disconnect reasons). */
export type Ending = 'client' | 'takeover' | 'keepalive' | 'error' | 'server' | 'lost';

/** Packets waiting for their turn above this pause the socket (a client cannot queue unbounded work). */
const MAX_QUEUED_PACKETS = 1000;
/** A server DISCONNECT is given this long to flush before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;

/** Ends the write batch a connection opened in this turn (one TLS record and one syscall for all of it). */
function flush(client: BrokerClient): void {
  client.corked = false;
  client.socket.uncork();
}

/**
 * One network connection: framing with the size cap, CONNECT → authenticate → CONNACK, then
 * PUBLISH (QoS 0/1), PUBACK, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT, processed one at a time in
 * arrival order (a packet waiting for an asynchronous policy decision holds the ones behind it).
 * Speaks MQTT 3.1.1 and 5 on the same code path; the differences are in what is written.
 */
export class BrokerClient implements SessionLink {
  id = '';
  protocolVersion: 3 | 4 | 5 = 4;
  clean = true;
  keepalive = 0;
  will: Message | undefined;
  session: Session | undefined;
  /** CONNACK was sent: the client is live in the broker. */
  connected = false;
  /** The hooks are deciding on the CONNECT. */
  authenticating = false;
  /** The hooks accepted the CONNECT (they learn of the end of this connection). */
  authenticated = false;
  closed = false;
  ending: Ending | undefined;
  receiveMaximum = 65_535;
  /** The idle sweep's tick when the connection was taken (connect timeout). */
  readonly openedAt: number;
  /** The idle sweep's tick when the client last sent bytes (keep-alive). */
  lastSeen: number;
  /** Writes of this turn are being gathered (socket corked until the next tick). */
  corked = false;
  connectSeen = false;
  /** The largest packet the client accepts (v5 Maximum Packet Size). */
  private maxPacketSize = Number.POSITIVE_INFINITY;
  /** Client topic aliases (v5), made on the first one: most clients never set one. */
  private aliases: Map<number, string> | undefined;
  private readonly framer: Framer;
  private readonly settings: { protocolVersion: number } = { protocolVersion: 4 };
  private readonly queue: Packet[] = [];
  private busy = false;
  /** Inbound QoS 1 publishes not yet acknowledged (the server's Receive Maximum). */
  private unacknowledged = 0;

  constructor(
    readonly socket: Socket,
    private readonly broker: ClientHost<BrokerClient>,
  ) {
    this.framer = new Framer(broker.options.maxRemainingLength);
    this.openedAt = this.lastSeen = broker.tick;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {
      this.ending ??= 'error';
    });
    socket.on('close', () => this.onClose());
    // No timer per socket: the broker's idle sweep enforces the connect timeout and keep-alive.
  }

  /** Closes from the server side; on v5 after CONNACK, a DISCONNECT carries the reason first. */
  close(reason?: number): void {
    if (this.closed) return;
    this.closed = true;
    this.ending ??= 'server';
    if (this.protocolVersion === 5 && this.connected && reason !== undefined && !this.socket.destroyed) {
      this.write({ cmd: 'disconnect', reasonCode: reason });
      this.socket.end();
      setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
    } else {
      this.socket.destroy();
    }
  }

  /** A delivery the hooks deferred and have now allowed (skips the Receive check). */
  deliver(message: Message, qos: 0 | 1, retain = false): void {
    this.session?.deliver({ message, qos, retain, authorized: true });
  }

  send(outgoing: Outgoing, messageId: number | undefined, dup: boolean): boolean {
    if (this.closed) return false;
    const { message } = outgoing;
    let expiry: number | undefined;
    if (message.expiresAt !== undefined) {
      const left = message.expiresAt - this.broker.options.clock.now();
      if (left <= 0) return false;
      expiry = Math.ceil(left / 1000);
    }
    if (!outgoing.authorized && !this.broker.hooks.authorizeForward(this, message, outgoing.qos, outgoing.retain)) return false;
    const packet: IPublishPacket = { cmd: 'publish', topic: message.topic, payload: message.payload, qos: outgoing.qos, retain: outgoing.retain, dup };
    if (messageId !== undefined) packet.messageId = messageId;
    if (this.protocolVersion === 5 && (expiry !== undefined || message.properties !== NO_PROPERTIES)) packet.properties = expiry === undefined ? message.properties : { ...message.properties, messageExpiryInterval: expiry };
    const bytes = this.encode(packet);
    // MQTT-3.1.2-25: a packet larger than the client's Maximum Packet Size is not sent.
    if (bytes === undefined || bytes.length > this.maxPacketSize) return false;
    this.out(bytes);
    return true;
  }

  write(packet: Packet): void {
    const bytes = this.encode(packet);
    if (bytes !== undefined && !this.socket.destroyed) this.out(bytes);
  }

  /**
   * Everything written to one client in one turn of the event loop (a PUBACK and the answer to the
   * report it acknowledges, a SUBACK and the retained messages behind it) leaves as one write: over
   * TLS one record, one encryption and one syscall instead of one each per packet.
   */
  private out(bytes: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(flush, this);
    }
    this.socket.write(bytes);
  }

  /** mqtt-packet throws on a packet it cannot encode (e.g. a broker-side topic over 65,535 bytes): that packet is dropped. */
  private encode(packet: Packet): Buffer | undefined {
    try {
      return mqttPacket.generate(packet, this.settings);
    } catch {
      return undefined;
    }
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastSeen = this.broker.tick;
    const frames = this.framer.push(chunk);
    if (frames === 'too_large') {
      this.broker.options.onLimit('max_payload');
      return this.fail(ReasonCode.packetTooLarge);
    }
    if (frames === 'malformed') return this.fail(ReasonCode.malformedPacket);
    for (const frame of frames) {
      if (this.closed) return;
      parseFrame(this, this.settings, frame);
    }
  }

  /** The idle sweep found no CONNECT within the connect timeout. */
  connectTimedOut(): void {
    if (this.closed) return;
    this.broker.options.onLimit('connect_timeout');
    this.ending = 'error';
    this.close();
  }

  /** The idle sweep found nothing received for 1.5 × the keep-alive (MQTT-3.1.2-24). */
  keepaliveExpired(): void {
    if (this.closed) return;
    this.ending ??= 'keepalive';
    this.close(ReasonCode.keepAliveTimeout);
  }

  private onClose(): void {
    this.closed = true;
    this.queue.length = 0;
    this.broker.closed(this);
  }

  /** A protocol violation: the client's fault (v5: DISCONNECT with the reason, once connected). */
  private fail(reason: number): void {
    this.ending ??= 'error';
    this.close(reason);
  }

  /** The parser found a malformed packet in this client's frame. */
  malformed(): void {
    this.fail(ReasonCode.malformedPacket);
  }

  enqueue(packet: Packet): void {
    if (packet.cmd === 'connect') {
      // Packets after CONNECT in the same read are parsed with the version it names.
      this.settings.protocolVersion = packet.protocolVersion ?? 4;
    }
    if (packet.cmd === 'publish' && packet.qos === 1 && ++this.unacknowledged > this.broker.options.receiveMaximum && this.protocolVersion === 5) {
      return this.fail(ReasonCode.receiveMaximumExceeded);
    }
    this.queue.push(packet);
    if (this.queue.length > MAX_QUEUED_PACKETS) this.socket.pause();
    if (!this.busy) this.drain();
  }

  private drain(): void {
    while (!this.busy && !this.closed && this.queue.length > 0) {
      const packet = this.queue.shift() as Packet;
      const pending = this.handle(packet);
      if (pending !== undefined) {
        this.busy = true;
        pending.then(
          () => {
            this.busy = false;
            this.drain();
          },
          () => {
            this.busy = false;
            this.close(ReasonCode.implementationSpecificError);
          },
        );
      }
    }
    if (this.queue.length === 0 && this.socket.isPaused()) this.socket.resume();
  }

  private handle(packet: Packet): Promise<void> | undefined {
    if (packet.cmd === 'connect') return this.onConnect(packet);
    // MQTT-3.1.0-1: the first packet must be CONNECT; anything before CONNACK waits in the queue.
    if (!this.connected) return void this.fail(ReasonCode.protocolError);
    switch (packet.cmd) {
      case 'publish':
        return this.onPublish(packet);
      case 'puback':
        this.session?.acknowledged(packet.messageId ?? 0);
        return;
      case 'subscribe':
        return this.onSubscribe(packet);
      case 'unsubscribe':
        this.onUnsubscribe(packet);
        return;
      case 'pingreq':
        this.write({ cmd: 'pingresp' });
        return;
      case 'disconnect':
        // v5 0x04: disconnect with will message; every other DISCONNECT discards the will (MQTT-3.14.4-3).
        if (packet.reasonCode !== 0x04) this.will = undefined;
        if (this.session !== undefined && packet.properties?.sessionExpiryInterval !== undefined && this.session.expirySecs > 0) {
          this.session.expirySecs = Math.min(packet.properties.sessionExpiryInterval, this.broker.options.maxSessionExpirySecs);
        }
        this.ending = 'client';
        this.closed = true;
        this.socket.end();
        return;
      default:
        // PUBREC/PUBREL/PUBCOMP (QoS 2 is not offered), AUTH (no enhanced authentication), server packets.
        return void this.fail(ReasonCode.protocolError);
    }
  }

  private async onConnect(packet: IConnectPacket): Promise<void> {
    if (this.connectSeen) return void this.fail(ReasonCode.protocolError);
    this.connectSeen = true;
    const options = this.broker.options;
    this.protocolVersion = packet.protocolVersion ?? 4;
    this.clean = packet.clean !== false;
    const v5 = this.protocolVersion === 5;
    const props = packet.properties ?? {};
    let assigned: string | undefined;
    this.id = packet.clientId;
    if (this.id.length === 0) {
      // MQTT-3.1.3-8 (3.1.1): an empty client id needs a clean session.
      if (!v5 && !this.clean) return this.refuse(ReasonCode.clientIdentifierNotValid);
      this.id = assigned = this.broker.assignClientId();
    }
    const requested = packet.keepalive ?? 0;
    const { min, max } = options.keepalive;
    // IoT Core's bounds: 0 ("no keepalive") and anything above the maximum become the maximum.
    this.keepalive = requested === 0 || requested > max ? max : Math.max(requested, min);
    if (props.receiveMaximum !== undefined) this.receiveMaximum = props.receiveMaximum;
    if (props.maximumPacketSize !== undefined) this.maxPacketSize = props.maximumPacketSize;
    const expirySecs = v5 ? Math.min(props.sessionExpiryInterval ?? 0, options.maxSessionExpirySecs) : this.clean ? 0 : options.maxSessionExpirySecs;
    if (packet.will !== undefined && packet.will !== null) {
      if ((packet.will.qos ?? 0) > 1) return this.refuse(ReasonCode.qosNotSupported);
      if (!validTopic(packet.will.topic)) return this.refuse(ReasonCode.topicNameInvalid);
      this.will = messageOf({ topic: packet.will.topic, payload: packet.will.payload, qos: packet.will.qos ?? 0, retain: packet.will.retain === true, properties: packet.will.properties ?? {} }, options.clock.now());
    }
    this.authenticating = true;
    let reason: number;
    try {
      reason = await this.broker.hooks.authenticate(this);
    } finally {
      this.authenticating = false;
    }
    this.authenticated = reason === ReasonCode.success;
    if (this.closed) return this.broker.closed(this);
    if (reason !== ReasonCode.success) return this.refuse(reason);
    const sessionPresent = this.broker.connect(this, expirySecs);
    this.connected = true;
    const connack: Packet = { cmd: 'connack', sessionPresent, returnCode: 0 };
    if (v5) {
      connack.reasonCode = ReasonCode.success;
      delete connack.returnCode;
      connack.properties = {
        receiveMaximum: options.receiveMaximum,
        maximumQoS: 1,
        retainAvailable: true,
        maximumPacketSize: options.maxRemainingLength + 5,
        topicAliasMaximum: options.topicAliasMaximum,
        wildcardSubscriptionAvailable: true,
        subscriptionIdentifiersAvailable: false,
        sharedSubscriptionAvailable: true,
        ...(expirySecs !== (props.sessionExpiryInterval ?? 0) ? { sessionExpiryInterval: expirySecs } : {}),
        ...(this.keepalive !== requested ? { serverKeepAlive: this.keepalive } : {}),
        ...(assigned === undefined ? {} : { assignedClientIdentifier: assigned }),
      };
    }
    this.write(connack);
    // CONNACK leaves on its own: clients (mqtt.js) resolve their connect on it and attach message
    // handlers then; a queued message in the same read would reach the client before its handler.
    if (this.corked) flush(this);
    this.broker.ready(this);
  }

  private refuse(reason: number): void {
    this.ending = 'error';
    if (this.protocolVersion === 5) this.write({ cmd: 'connack', sessionPresent: false, reasonCode: reason });
    else this.write({ cmd: 'connack', sessionPresent: false, returnCode: connackReturnCode(reason) });
    this.closed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private onPublish(packet: IPublishPacket): Promise<void> | undefined {
    // AWS IoT Core has no QoS 2: v5 DISCONNECT 0x9B (QoS not supported); 3.1.1 closes.
    if (packet.qos === 2) return void this.fail(ReasonCode.qosNotSupported);
    let topic = packet.topic;
    const alias = packet.properties?.topicAlias;
    if (alias !== undefined) {
      if (alias === 0 || alias > this.broker.options.topicAliasMaximum) return void this.fail(ReasonCode.topicAliasInvalid);
      if (topic.length > 0) (this.aliases ??= new Map()).set(alias, topic);
      else {
        const known = this.aliases?.get(alias);
        if (known === undefined) return void this.fail(ReasonCode.protocolError);
        topic = known;
      }
    }
    if (!validTopic(topic)) return void this.fail(ReasonCode.topicNameInvalid);
    const message = messageOf(topic === packet.topic ? packet : { ...packet, topic }, this.broker.options.clock.now());
    const verdict = this.broker.hooks.authorizePublish(this, message);
    if (typeof verdict === 'number') return void this.published(packet, message, verdict);
    return verdict.then((reason) => this.published(packet, message, reason));
  }

  private published(packet: IPublishPacket, message: Message, reason: number): void {
    if (this.closed) return;
    if (reason === ReasonCode.success) this.broker.publish(message, this);
    else if (reason !== ReasonCode.notAuthorized || this.protocolVersion !== 5) {
      // 3.1.1 has no negative PUBACK: a refused publish closes the connection, as IoT Core does.
      return this.fail(reason);
    }
    if (packet.qos === 1) {
      this.unacknowledged--;
      this.write(this.protocolVersion === 5 ? { cmd: 'puback', messageId: packet.messageId as number, reasonCode: reason } : { cmd: 'puback', messageId: packet.messageId as number });
    }
  }

  private async onSubscribe(packet: ISubscribePacket): Promise<void> {
    const v5 = this.protocolVersion === 5;
    const granted = await Promise.all(
      packet.subscriptions.map(async (s): Promise<number> => {
        const shared = parseShared(s.topic);
        if (!validFilter(s.topic) || (shared !== undefined && s.nl === true)) return v5 ? ReasonCode.topicFilterInvalid : 0x80;
        if (!(await this.broker.hooks.authorizeSubscribe(this, s.topic))) return v5 ? ReasonCode.notAuthorized : 0x80;
        return Math.min(s.qos, 1);
      }),
    );
    if (this.closed) return;
    const added: [string, SubscriptionOptions, boolean][] = [];
    packet.subscriptions.forEach((s, i) => {
      const qos = granted[i] as number;
      if (qos > 1) return;
      const options: SubscriptionOptions = { qos: qos as 0 | 1, noLocal: s.nl === true, retainAsPublished: s.rap === true, retainHandling: (s.rh ?? 0) as 0 | 1 | 2 };
      added.push([s.topic, options, this.broker.subscribe(this, s.topic, options)]);
    });
    this.write(v5 ? { cmd: 'suback', messageId: packet.messageId as number, granted, reasonCode: 0 } : { cmd: 'suback', messageId: packet.messageId as number, granted });
    for (const [filter, options, fresh] of added) {
      if (options.retainHandling === 0 || (options.retainHandling === 1 && fresh)) this.broker.sendRetained(this, filter, options);
    }
  }

  private onUnsubscribe(packet: IUnsubscribePacket): void {
    const results = packet.unsubscriptions.map((filter) => (this.broker.unsubscribe(this, filter) ? ReasonCode.success : ReasonCode.noSubscriptionExisted));
    this.write(this.protocolVersion === 5 ? { cmd: 'unsuback', messageId: packet.messageId as number, granted: results } : { cmd: 'unsuback', messageId: packet.messageId as number, granted: [] });
  }
}
