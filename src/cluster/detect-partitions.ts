import { backoffDelay, type BackoffPolicy, type Clock, type Timer, type TimerHandle } from '../core/index.js';
import type { CloudDatapoint, DeviceDatapoint, FleetValue, PartitionedDetect } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { assignPartitions, partitionOf } from './partitions.js';

/** What `GET /api/v1/cluster` shows of detect ownership. */
export interface DetectPartitionStatus {
  readonly partitions: number;
  /** Partitions each live node owns, in this node's view. */
  readonly owners: Readonly<Record<string, number>>;
  /** Partitions moving in (their state being read again) right now. */
  readonly adopting: number;
  /** Datapoints sent to their owner, received from other nodes, retried, dropped after retrying. */
  readonly routed: { readonly sent: number; readonly received: number; readonly retried: number; readonly failed: number };
  /** Datapoints waiting to be sent (batched or retrying). */
  readonly pending: number;
  /** Median and largest time (ms) from a datapoint's hand-off to its owner's acknowledgement, over the last 1,000. */
  readonly routeLatencyMs: { readonly p50: number; readonly max: number } | undefined;
}

/**
 * Detect partitioned by thing (docs/cluster.md): the datapoint sink the ingress calls in cluster
 * mode. A datapoint of a thing this node owns goes to the local engine; any other is sent to its
 * owner with NATS request/reply, in small batches, retried (to the owner of the moment) until the
 * owner acknowledges or `retryMs` passed. The owner acknowledges a report once its engine made it
 * durable (the export journal), and `device` resolves then: the broker answers `/accepted` only
 * after that, and `/rejected` (`report.unavailable`) when no owner confirmed in time.
 */
export interface DetectPartitions {
  device(datapoint: DeviceDatapoint): void | Promise<void>;
  cloud(datapoint: CloudDatapoint): void;
  /** True when this node owns the thing's state (the engine's `owns`). */
  owns(thingName: string): boolean;
  /** The engine's `fleetOut`: values for the other owners' fleet populations. */
  fleetOut(value: FleetValue): void;
  /** Waits until membership has heard the other nodes, so ownership is known before detect starts. */
  settle(): Promise<void>;
  /** Takes datapoints from other nodes into `local` (after the engine started) and follows membership. */
  start(local: PartitionedDetect): Promise<void>;
  stop(): Promise<void>;
  status(): DetectPartitionStatus;
}

export interface DetectPartitionsOptions {
  readonly connection: import('@nats-io/transport-node').NatsConnection;
  readonly prefix: string;
  readonly nodeId: string;
  readonly partitions: number;
  /** Ids of the nodes up now (this one included). */
  readonly liveNodes: () => readonly string[];
  readonly heartbeatMs: number;
  /** How long a batch is retried before its datapoints count as failed. */
  readonly retryMs: number;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
}

type Item = { readonly k: 'd'; readonly dp: DeviceDatapoint } | { readonly k: 'c'; readonly dp: CloudDatapoint };
/** How a report's sender learns that its owner made it durable (cloud datapoints are not awaited). */
interface Settle {
  resolve(): void;
  reject(error: Error): void;
}
interface Routed {
  readonly item: Item;
  readonly settle: Settle | undefined;
}
interface Batch {
  items: Routed[];
  readonly firstAt: number;
  attempts: number;
}

const BATCH_MS = 5;
const BATCH_MAX = 256;
/** An owner answers once its journal committed, or after adopting the partition (a heartbeat and a half, then a read). */
const REQUEST_TIMEOUT_MS = 5000;
/** Between sends of an unanswered batch (each datapoint to the owner of that moment): 0.1 s doubling to 2 s. */
const ROUTE_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 2000, multiplier: 2, jitter: 0 };
const FLEET_INTERVAL_MS = 1000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function detectPartitions(o: DetectPartitionsOptions): DetectPartitions {
  const { connection, nodeId, partitions: count, telemetry, clock, timer } = o;
  const inSubject = (node: string) => `${o.prefix}.detect.in.${node}`;
  const fleetSubject = `${o.prefix}.detect.fleet`;
  let owners = assignPartitions([nodeId], count);
  let local: PartitionedDetect | undefined;
  /** Partitions being adopted: their datapoints wait here until the engine read their state. */
  const adopting = new Map<number, Routed[]>();
  const outgoing = new Map<string, Batch>();
  let flushHandle: TimerHandle | undefined;
  let inFlight = 0;
  const routed = { sent: 0, received: 0, retried: 0, failed: 0 };
  const latencies: number[] = [];
  let fleet = new Map<string, FleetValue>();
  const handles: TimerHandle[] = [];
  const unsubscribes: Array<() => void> = [];
  let moving: Promise<void> = Promise.resolve();
  let stopped = false;

  const ownerOf = (thingName: string) => owners[partitionOf(thingName, count)];

  function deliverLocal(routed: Routed): void {
    const { item, settle } = routed;
    const held = adopting.get(partitionOf(item.dp.thingName, count));
    if (held !== undefined) return void held.push(routed);
    if (local === undefined) return settle?.reject(new Error('detect has not started on this node'));
    if (item.k === 'c') return local.cloud(item.dp);
    const durable = local.device(item.dp);
    if (settle === undefined) return;
    if (durable instanceof Promise) durable.then(settle.resolve, settle.reject);
    else settle.resolve();
  }

  function route(routed: Routed): void {
    const owner = ownerOf(routed.item.dp.thingName);
    if (owner === nodeId || owner === undefined) return deliverLocal(routed);
    let batch = outgoing.get(owner);
    if (batch === undefined) {
      batch = { items: [], firstAt: clock.now(), attempts: 0 };
      outgoing.set(owner, batch);
    }
    batch.items.push(routed);
    if (batch.items.length >= BATCH_MAX) sendBatches();
    else flushHandle ??= timer.setTimeout(sendBatches, BATCH_MS);
  }

  function sendBatches(): void {
    flushHandle?.cancel();
    flushHandle = undefined;
    const batches = [...outgoing];
    outgoing.clear();
    for (const [owner, batch] of batches) void send(owner, batch);
  }

  async function send(owner: string, batch: Batch): Promise<void> {
    inFlight += batch.items.length;
    const sentAt = clock.now();
    try {
      const reply = await connection.request(inSubject(owner), encoder.encode(JSON.stringify({ from: nodeId, items: batch.items.map((r) => r.item) })), { timeout: REQUEST_TIMEOUT_MS });
      const answer = JSON.parse(decoder.decode(reply.data)) as { ok?: boolean };
      if (answer.ok !== true) throw new Error('the owner refused the batch');
      for (const r of batch.items) r.settle?.resolve();
      routed.sent += batch.items.length;
      telemetry.count('cluster_detect_routed', { result: 'sent' }, batch.items.length);
      latencies.push(clock.now() - batch.firstAt);
      if (latencies.length > 1000) latencies.splice(0, latencies.length - 1000);
    } catch (error) {
      if (stopped || clock.now() - batch.firstAt > o.retryMs) {
        routed.failed += batch.items.length;
        const reason = error instanceof Error ? error.message : String(error);
        for (const r of batch.items) r.settle?.reject(new Error(`the owner node ${owner} did not confirm within ${o.retryMs} ms: ${reason}`));
        telemetry.emit('cluster_detect_failed', {}, { owner, datapoints: batch.items.length, err: reason });
        telemetry.count('cluster_detect_routed', { result: 'failed' }, batch.items.length);
      } else {
        // No responder (the owner died or has not started detect yet) or no answer: wait, then send
        // each datapoint to the owner of that moment (membership may have moved its partition).
        routed.retried += batch.items.length;
        telemetry.count('cluster_detect_routed', { result: 'retried' }, batch.items.length);
        const wait = backoffDelay(batch.attempts + 1, ROUTE_BACKOFF) - (clock.now() - sentAt);
        if (wait > 0) await timer.sleep(wait);
        retry(batch);
      }
    } finally {
      inFlight -= batch.items.length;
    }
  }

  function retry(batch: Batch): void {
    const byOwner = new Map<string, Routed[]>();
    for (const r of batch.items) {
      const owner = ownerOf(r.item.dp.thingName);
      if (owner === nodeId || owner === undefined) deliverLocal(r);
      else byOwner.set(owner, [...(byOwner.get(owner) ?? []), r]);
    }
    for (const [owner, items] of byOwner) void send(owner, { items, firstAt: batch.firstAt, attempts: batch.attempts + 1 });
  }

  /** Another node's batch: true once every report in it is durable here (the sender answers `/accepted` then). */
  async function received(body: unknown): Promise<boolean> {
    const items = (body as { items?: unknown } | null)?.items;
    if (!Array.isArray(items)) return false;
    const durable: Array<Promise<void>> = [];
    for (const item of items as Item[]) {
      if (typeof item?.dp?.thingName !== 'string' || (item.k !== 'd' && item.k !== 'c')) continue;
      if (item.k === 'c') deliverLocal({ item, settle: undefined });
      else durable.push(new Promise((resolve, reject) => deliverLocal({ item, settle: { resolve, reject } })));
    }
    routed.received += items.length;
    telemetry.count('cluster_detect_routed', { result: 'received' }, items.length);
    await Promise.all(durable);
    return true;
  }

  /** Follows membership: partitions lost are released (counters saved), partitions gained adopted after a hand-over pause. */
  function follow(): void {
    const live = o.liveNodes();
    const next = assignPartitions(live, count);
    const lost = new Set<number>();
    const gained = new Set<number>();
    let fromLive = false;
    for (let p = 0; p < count; p++) {
      if (owners[p] === nodeId && next[p] !== nodeId) lost.add(p);
      if (owners[p] !== nodeId && next[p] === nodeId) {
        gained.add(p);
        if (live.includes(owners[p] as string)) fromLive = true;
      }
    }
    owners = next;
    telemetry.setGauge('cluster_detect_partitions_owned', {}, owners.filter((n) => n === nodeId).length);
    if (lost.size === 0 && gained.size === 0) return;
    for (const p of gained) if (!adopting.has(p)) adopting.set(p, []);
    if (lost.size > 0) telemetry.count('cluster_detect_partitions_moved', { direction: 'out' }, lost.size);
    if (gained.size > 0) telemetry.count('cluster_detect_partitions_moved', { direction: 'in' }, gained.size);
    const engine = local;
    moving = moving.then(async () => {
      if (engine === undefined) return;
      if (lost.size > 0) await engine.release((thing) => lost.has(partitionOf(thing, count)));
      if (gained.size === 0) return;
      // A previous owner still alive saves its counters when it sees the same change (within a heartbeat).
      if (fromLive) await timer.sleep(o.heartbeatMs * 1.5);
      await engine.adopt((thing) => gained.has(partitionOf(thing, count)) && owners[partitionOf(thing, count)] === nodeId);
    }).catch((error: unknown) => {
      telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'detect_move' }, { err: error instanceof Error ? error.message : String(error) });
    }).finally(() => {
      for (const p of gained) {
        const held = adopting.get(p) ?? [];
        adopting.delete(p);
        for (const r of held) route(r);
      }
    });
  }

  function publishFleet(): void {
    if (fleet.size === 0) return;
    const values = [...fleet.values()];
    fleet = new Map();
    connection.publish(fleetSubject, encoder.encode(JSON.stringify({ from: nodeId, values })));
  }

  return {
    device(dp) {
      // A thing this node owns, its partition settled: the engine's own answer, without a wrapper.
      if (local !== undefined && ownerOf(dp.thingName) === nodeId && !adopting.has(partitionOf(dp.thingName, count))) return local.device(dp);
      return new Promise<void>((resolve, reject) => route({ item: { k: 'd', dp }, settle: { resolve, reject } }));
    },
    cloud: (dp) => route({ item: { k: 'c', dp }, settle: undefined }),
    owns: (thingName) => ownerOf(thingName) === nodeId,
    fleetOut(value) {
      fleet.set(`${value.profile}\u0000${value.behavior}\u0000${value.dimension}\u0000${value.thing}`, value);
    },
    async settle() {
      await timer.sleep(o.heartbeatMs * 1.5);
      owners = assignPartitions(o.liveNodes(), count);
      telemetry.setGauge('cluster_detect_partitions_owned', {}, owners.filter((n) => n === nodeId).length);
    },
    async start(engine) {
      local = engine;
      const subscription = connection.subscribe(inSubject(nodeId), {
        callback: (error, message) => {
          if (error !== null) return;
          const answer = (ok: boolean): void => void message.respond(encoder.encode(JSON.stringify({ ok })));
          let body: unknown;
          try {
            body = JSON.parse(decoder.decode(message.data));
          } catch (parseError) {
            telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'detect_in' }, { err: parseError instanceof Error ? parseError.message : String(parseError) });
            return answer(false);
          }
          received(body).then(answer, (storeError: unknown) => {
            telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'detect_in' }, { err: storeError instanceof Error ? storeError.message : String(storeError) });
            answer(false);
          });
        },
      });
      unsubscribes.push(() => subscription.unsubscribe());
      const fleetSubscription = connection.subscribe(fleetSubject, {
        callback: (error, message) => {
          if (error !== null) return;
          try {
            const body = JSON.parse(decoder.decode(message.data)) as { from?: string; values?: FleetValue[] };
            if (body.from !== nodeId && Array.isArray(body.values)) engine.fleetIn(body.values);
          } catch (parseError) {
            telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'detect_fleet' }, { err: parseError instanceof Error ? parseError.message : String(parseError) });
          }
        },
      });
      unsubscribes.push(() => fleetSubscription.unsubscribe());
      follow();
      handles.push(timer.setInterval(follow, Math.max(50, o.heartbeatMs / 2)));
      handles.push(timer.setInterval(publishFleet, FLEET_INTERVAL_MS));
    },
    async stop() {
      for (const h of handles) h.cancel();
      for (const u of unsubscribes) u();
      sendBatches();
      publishFleet();
      stopped = true;
      await moving;
    },
    status() {
      const share: Record<string, number> = {};
      for (const owner of owners) if (owner !== undefined) share[owner] = (share[owner] ?? 0) + 1;
      const sorted = [...latencies].sort((a, b) => a - b);
      let pending = inFlight;
      for (const batch of outgoing.values()) pending += batch.items.length;
      return {
        partitions: count,
        owners: share,
        adopting: adopting.size,
        routed: { ...routed },
        pending,
        routeLatencyMs: sorted.length === 0 ? undefined : { p50: sorted[Math.floor(sorted.length / 2)] as number, max: sorted[sorted.length - 1] as number },
      };
    },
  };
}
