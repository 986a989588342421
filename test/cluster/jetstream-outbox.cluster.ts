import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, systemTimer } from '../../src/core/index.js';
import { JetStreamOutbox } from '../../src/cluster/index.js';
import { SqliteOutbox } from '../../src/store/index.js';
import { Telemetry, createLogger } from '../../src/telemetry/index.js';
import { until } from '../support/vigil-process.js';
import { startNatsCluster, type NatsServer } from './infra.js';

/**
 * The delivery-stream buffer of cluster mode on a real 3-server NATS cluster (R3): a put resolves
 * once JetStream stored it; a node that dies with records in its hands loses none of them, another
 * node fetches and delivers them.
 */
let dir: string;
let nats: NatsServer[];
const connections: NatsConnection[] = [];
const telemetry = new Telemetry(createLogger({ level: 'silent', format: 'json' }));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-js-outbox-'));
  nats = await startNatsCluster(dir, 3);
});

afterAll(async () => {
  for (const c of connections) await c.close().catch(() => undefined);
  await Promise.all((nats ?? []).map((n) => n.kill()));
  rmSync(dir, { recursive: true, force: true });
});

async function node(name: string, server: number | 'all', ackWaitMs = 2000): Promise<{ outbox: JetStreamOutbox; connection: NatsConnection }> {
  const connection = await connect({ servers: server === 'all' ? nats.map((n) => n.url) : [nats[server]!.url], name, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  connections.push(connection);
  const outbox = await JetStreamOutbox.open({
    connection,
    prefix: 'vigiltest',
    replicas: 3,
    maxBytes: 64 * 1024 * 1024,
    ackWaitMs,
    local: new SqliteOutbox(join(dir, `${name}-outbox.sqlite`), 64 * 1024 * 1024, systemClock),
    clock: systemClock,
    timer: systemTimer,
    telemetry,
  });
  return { outbox, connection };
}

const text = (r: { data: Uint8Array }): string => Buffer.from(r.data).toString();

describe('delivery streams on JetStream (cluster mode)', () => {
  it('a put resolves with one id per record once stored; a node that dies holding records loses none, another delivers them', async () => {
    const a = await node('a', 0);
    const sent = Array.from({ length: 200 }, (_, i) => `record-${i}`);
    const put = await a.outbox.append('siem', sent.map((s) => Buffer.from(s)));
    expect(put.ok && put.value.seqs.length).toBe(200);
    expect(put.ok && new Set(put.value.seqs).size).toBe(200);

    // Node A is told the stream exists (as the stream engine does at start): it fetches all 200
    // and delivers (removes) the first 50. Asking for stats alone starts nothing.
    expect(a.outbox.stats('siem').records).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(a.outbox.stats('siem').records).toBe(0);
    a.outbox.streams(['siem']);
    await until(() => a.outbox.stats('siem').records === 200, 'node A to hold 200 records', 20_000);
    const firstBatch = a.outbox.read('siem', 0, 1 << 30, 50);
    a.outbox.remove('siem', firstBatch);
    const delivered = firstBatch.map(text);

    // Node A dies with 150 records in its hands (no nak, no ack: its connection is just gone).
    await a.connection.close();

    // Node B, on another NATS server, gets them after the ack wait and delivers them.
    const b = await node('b', 2);
    b.outbox.streams(['siem']);
    await until(() => b.outbox.stats('siem').records === 150, 'node B to hold the 150 records node A left', 20_000);
    const rest = b.outbox.read('siem', 0, 1 << 30);
    b.outbox.remove('siem', rest);
    delivered.push(...rest.map(text));
    expect([...delivered].sort()).toEqual([...sent].sort());

    // Acknowledged records are gone from JetStream: a third node finds nothing to deliver.
    const c = await node('c', 1);
    c.outbox.streams(['siem']);
    await new Promise((r) => setTimeout(r, 3000));
    expect(c.outbox.stats('siem').records).toBe(0);
    b.outbox.close();
    c.outbox.close();
  });

  it('records put on two nodes are delivered once in all, split between the nodes that fetch', async () => {
    const a = await node('a2', 0, 10_000);
    const b = await node('b2', 1, 10_000);
    a.outbox.streams(['alerts']);
    b.outbox.streams(['alerts']);
    const fromA = Array.from({ length: 100 }, (_, i) => `a-${i}`);
    const fromB = Array.from({ length: 100 }, (_, i) => `b-${i}`);
    await a.outbox.append('alerts', fromA.map((s) => Buffer.from(s)));
    await b.outbox.append('alerts', fromB.map((s) => Buffer.from(s)));
    await until(() => a.outbox.stats('alerts').records + b.outbox.stats('alerts').records === 200, 'the 200 records to be fetched', 20_000);
    const all = [...a.outbox.read('alerts', 0, 1 << 30), ...b.outbox.read('alerts', 0, 1 << 30)].map(text);
    expect(all.sort()).toEqual([...fromA, ...fromB].sort());
    // Node A told the stream no longer exists stops fetching it: it takes none of the records put
    // afterwards (while it fetched, it held its share of a put within milliseconds).
    a.outbox.streams([]);
    expect(a.outbox.stats('alerts').records).toBe(0);
    await a.outbox.append('alerts', Array.from({ length: 50 }, (_, i) => Buffer.from(`later-${i}`)));
    await new Promise((r) => setTimeout(r, 3000));
    expect(a.outbox.stats('alerts').records).toBe(0);
    a.outbox.close();
    b.outbox.close();
  });

  it('puts made while the stream leader\'s NATS server is killed are all stored once', async () => {
    const a = await node('a3', 'all', 30_000);
    const manager = await jetstreamManager(a.connection);
    const leader = (await manager.streams.info(a.outbox.streamName)).cluster?.leader;
    const victim = nats.find((n) => n.name === leader);
    expect(victim).toBeDefined();
    const sent = Array.from({ length: 300 }, (_, i) => `during-${i}`);
    // Ten puts of 30 records, the leader killed after the first.
    const puts: Array<Promise<unknown>> = [];
    for (let i = 0; i < 10; i++) {
      puts.push(a.outbox.append('during', sent.slice(i * 30, i * 30 + 30).map((s) => Buffer.from(s))));
      if (i === 0) await victim!.kill();
      await new Promise((r) => setTimeout(r, 100));
    }
    const results = (await Promise.all(puts)) as Array<{ ok: boolean }>;
    expect(results.map((r) => r.ok)).toEqual(results.map(() => true));
    await victim!.start();
    a.outbox.streams(['during']);
    await until(() => a.outbox.stats('during').records >= 300, 'the 300 records to be fetched', 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    const held = a.outbox.read('during', 0, 1 << 30).map(text);
    expect(held.length).toBe(300);
    expect([...held].sort()).toEqual([...sent].sort());
    a.outbox.close();
  });
});
