import { randomUUID } from 'node:crypto';
import type { Clock, Timer, TimerHandle } from '../core/index.js';
import type { BridgedMessage, BrokerRemote, ClusteredBroker } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { decodeFrame, decodeSession, encodeFrame, encodeSession } from './mqtt-frame.js';
import { ensureStream } from './jetstream-streams.js';
import { filterToSubjects, levelToken, subjectToTopic, topicToSubject } from './mqtt-subject.js';

type NatsConnection = import('@nats-io/transport-node').NatsConnection;
type Subscription = import('@nats-io/transport-node').Subscription;

export interface MqttBridgeOptions {
  readonly connection: NatsConnection;
  /** `cluster.subject_prefix`. */
  readonly prefix: string;
  readonly broker: ClusteredBroker;
  /** Other nodes heard from now: a persistent-session claim waits for as many answers. */
  readonly peers: () => number;
  /** Longest wait for those answers before CONNACK (`cluster.session_claim_secs`). */
  readonly claimWaitMs: number;
  /** Replicas of the retained-message stream (`cluster.stream_replicas`). */
  readonly replicas: number;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
}

export interface MqttBridge {
  stop(): Promise<void>;
}

interface Claim {
  readonly origin: string;
  readonly clientId: string;
  readonly clean: boolean;
}

/** A `$share/group/filter` split into its group and filter, else undefined. */
function sharedParts(filter: string): { group: string; filter: string } | undefined {
  if (!filter.startsWith('$share/')) return undefined;
  const slash = filter.indexOf('/', 7);
  return slash < 0 ? undefined : { group: filter.slice(7, slash), filter: filter.slice(slash + 1) };
}

/**
 * The broker nodes as one broker, over NATS:
 * - every message a node accepts is published on `<prefix>.mqtt.<topic as subject>`; a node
 *   subscribes on NATS to the translated filters its clients hold (reference-counted), so NATS sends
 *   each message only to the nodes that want it, in order per publishing node; a shared group
 *   (`$share/g/f`) subscribes as the NATS queue group `g` on the subjects of `f`, so that one node
 *   per group gets each message (the publishing node included) and gives it to one of its members;
 * - retained messages go to a JetStream stream keeping the last message per topic, which every node
 *   reads from its start (and follows) into its broker's retained set;
 * - a client id authenticating on a node is claimed on `<prefix>.session.claim`: the node that held
 *   it closes that connection (v5: 0x8E) and hands over a persistent session before CONNACK.
 */
export async function startMqttBridge(options: MqttBridgeOptions): Promise<MqttBridge> {
  const { connection, broker, clock, telemetry } = options;
  const instance = randomUUID();
  const base = `${options.prefix}.mqtt`;
  const retainedBase = `${options.prefix}.retained`;
  const claimSubject = `${options.prefix}.session.claim`;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const interests = new Map<string, { count: number; subscriptions: Subscription[] }>();
  /** The last sequence number delivered per origin instance: a message matching two NATS subscriptions of this node arrives twice in a row. */
  const lastSeq = new Map<string, number>();
  let seq = 0;
  let stopped = false;

  const failed = (stage: string, error: unknown) => telemetry.emit('component_error', { component: 'cluster', code: 'cluster.bridge_failed', stage }, { err: error });

  const retained = await openRetained(options, instance, (message) => broker.retain(message), failed);

  function deliver(subject: string, data: Uint8Array): void {
    const topic = subjectToTopic(base, subject);
    if (topic === undefined) return;
    const frame = decodeFrame(data, topic, clock.now());
    if (frame === undefined) return failed('decode', new Error(`an undecodable message on ${subject}`));
    // This node delivered its own messages when it accepted them.
    if (frame.origin === instance) return;
    const last = lastSeq.get(frame.origin);
    if (last !== undefined && frame.seq <= last) return;
    lastSeq.set(frame.origin, frame.seq);
    telemetry.count('cluster_mqtt_messages', { direction: 'in' });
    broker.deliverRemote(frame.message);
  }

  /** A message for one shared group of this node: NATS chose this node among the group's. */
  function deliverShared(filter: string, subject: string, data: Uint8Array): void {
    const topic = subjectToTopic(base, subject);
    const frame = topic === undefined ? undefined : decodeFrame(data, topic, clock.now());
    if (frame === undefined) return failed('decode', new Error(`an undecodable message on ${subject}`));
    telemetry.count('cluster_mqtt_messages', { direction: 'in' });
    broker.deliverShared(filter, frame.message);
  }

  function onClaim(data: Uint8Array, reply: (body: unknown) => void): void {
    let claim: Claim;
    try {
      claim = JSON.parse(decoder.decode(data)) as Claim;
    } catch (error) {
      return failed('claim_decode', error);
    }
    if (claim.origin === instance || typeof claim.clientId !== 'string') return;
    const carried = broker.release(claim.clientId);
    if (carried !== undefined) telemetry.emit('cluster_session_takeover', { direction: 'out' }, { clientId: claim.clientId });
    reply(carried === undefined || claim.clean ? {} : { session: encodeSession(carried, instance, clock.now()) });
  }

  const claims = connection.subscribe(claimSubject, {
    callback: (error, message) => {
      if (error !== null) return failed('claim_subscribe', error);
      onClaim(message.data, (body) => {
        if (message.reply !== undefined && message.reply !== '') message.respond(encoder.encode(JSON.stringify(body)));
      });
    },
  });

  const remote: BrokerRemote = {
    published(message) {
      if (stopped) return;
      const now = clock.now();
      try {
        connection.publish(topicToSubject(base, message.topic), encodeFrame(message, instance, ++seq, now, 'left'));
        telemetry.count('cluster_mqtt_messages', { direction: 'out' });
      } catch (error) {
        failed('publish', error);
      }
      if (message.retain) retained.put(message, now);
    },
    interest(filter, on) {
      if (stopped) return;
      // A shared group keeps its own NATS subscriptions (a queue group); plain filters share theirs.
      const key = filter;
      const shared = sharedParts(filter);
      const known = interests.get(key);
      if (on) {
        if (known !== undefined) return void known.count++;
        const subscriptions = filterToSubjects(base, shared?.filter ?? filter).map((subject) =>
          shared === undefined
            ? connection.subscribe(subject, { callback: (error, message) => (error === null ? deliver(message.subject, message.data) : failed('subscribe', error)) })
            : connection.subscribe(subject, { queue: levelToken(shared.group), callback: (error, message) => (error === null ? deliverShared(filter, message.subject, message.data) : failed('subscribe', error)) }),
        );
        interests.set(key, { count: 1, subscriptions });
      } else if (known !== undefined && --known.count === 0) {
        interests.delete(key);
        for (const subscription of known.subscriptions) subscription.unsubscribe();
      }
    },
    async claim(clientId, clean) {
      if (stopped) return;
      const body = encoder.encode(JSON.stringify({ origin: instance, clientId, clean } satisfies Claim));
      const peers = options.peers();
      // A clean start keeps nothing of the old session: the other nodes are told, nobody waits.
      try {
        if (clean) return void connection.publish(claimSubject, body);
        // Every node answers; a node that has not heard the others yet (just started) waits for a pause in the answers instead.
        const answers = await connection.requestMany(claimSubject, body, peers > 0 ? { strategy: 'count', maxMessages: peers, maxWait: options.claimWaitMs } : { strategy: 'stall', stall: CLAIM_STALL_MS, maxWait: options.claimWaitMs });
        for await (const answer of answers) {
          const session = decodeSession((JSON.parse(decoder.decode(answer.data)) as { session?: unknown }).session ?? null, clock.now());
          if (session === undefined) continue;
          broker.adopt(clientId, session);
          telemetry.emit('cluster_session_takeover', { direction: 'in' }, { clientId, subscriptions: session.subscriptions.length, queued: session.queued.length });
        }
      } catch (error) {
        // No other node subscribed: nothing to take over.
        if (error instanceof Error && /no responders/i.test(error.message)) return;
        // No answer in time (a node that died, NATS down): the client starts without the old session.
        failed('claim', error);
      }
    },
  };
  broker.attach(remote);

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      broker.attach(undefined);
      claims.unsubscribe();
      for (const { subscriptions } of interests.values()) for (const subscription of subscriptions) subscription.unsubscribe();
      interests.clear();
      await retained.stop();
    },
  };
}

/** A claim made before this node heard the others ends this long after the last answer. */
const CLAIM_STALL_MS = 100;

/** Longest wait at start for the retained messages already stored. */
const RETAINED_LOAD_MS = 15_000;

interface RetainedStore {
  put(message: BridgedMessage, now: number): void;
  stop(): Promise<void>;
}

/**
 * Retained messages in a JetStream stream that keeps one message per subject (the latest per topic;
 * an empty payload is the clearing message). Every node reads the stream from the start and follows
 * it, so a subscriber on any node gets the retained messages published on every node.
 */
async function openRetained(options: MqttBridgeOptions, instance: string, apply: (message: BridgedMessage) => void, failed: (stage: string, error: unknown) => void): Promise<RetainedStore> {
  const js = await import('@nats-io/jetstream');
  const base = `${options.prefix}.retained`;
  const name = `${options.prefix.toUpperCase()}_RETAINED`;
  const manager = await ensureStream(options.connection, { name, subjects: [`${base}.>`], max_msgs_per_subject: 1, num_replicas: options.replicas, storage: js.StorageType.File, discard: js.DiscardPolicy.Old }, options);
  const client = js.jetstream(options.connection);
  let stopped = false;
  // The node takes devices only once it holds every retained message stored so far.
  let markLoaded: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => (markLoaded = resolve));
  if ((await manager.streams.info(name)).state.messages === 0) markLoaded();
  const consumer = await client.consumers.get(name, { filter_subjects: `${base}.>`, deliver_policy: js.DeliverPolicy.LastPerSubject });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) {
      if (m.info.pending === 0) markLoaded();
      const topic = subjectToTopic(base, m.subject);
      const frame = topic === undefined ? undefined : decodeFrame(m.data, topic, options.clock.now());
      if (frame === undefined) {
        failed('retained_decode', new Error(`an undecodable retained message on ${m.subject}`));
        continue;
      }
      // Its own too: the stream's order is the one order of retained messages across nodes.
      apply({ ...frame.message, retain: true });
    }
  })().catch((error: unknown) => {
    if (!stopped) failed('retained_consume', error);
  });
  let waited: TimerHandle | undefined;
  const timedOut = await Promise.race([loaded.then(() => false), new Promise<boolean>((resolve) => (waited = options.timer.setTimeout(() => resolve(true), RETAINED_LOAD_MS)))]);
  waited?.cancel();
  if (timedOut) failed('retained_load', new Error(`the retained messages were not all read within ${RETAINED_LOAD_MS} ms; the rest arrive in the background`));
  return {
    put(message, now) {
      client.publish(topicToSubject(base, message.topic), encodeFrame(message, instance, 0, now, 'absolute')).catch((error: unknown) => failed('retained_put', error));
    },
    async stop() {
      stopped = true;
      // Not awaited: with NATS unreachable the consumer's close would wait for it; the connection's drain ends it anyway.
      void messages.close().catch(() => undefined);
    },
  };
}
