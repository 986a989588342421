import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
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

async function node(name: string, server: number, ackWaitMs = 2000): Promise<{ outbox: JetStreamOutbox; connection: NatsConnection }> {
  const connection = await connect({ servers: [nats[server]!.url], name });
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
    // Node A told the stream no longer exists stops fetching it: it holds none of the records put
    // afterwards, while B goes on receiving them (JetStream may still hand some to A's last pull
    // request; those come back to B after the ack wait).
    a.outbox.streams([]);
    expect(a.outbox.stats('alerts').records).toBe(0);
    const later = Array.from({ length: 50 }, (_, i) => `later-${i}`);
    await a.outbox.append('alerts', later.map((s) => Buffer.from(s)));
    const held = (): string[] => b.outbox.read('alerts', 0, 1 << 30).map(text).filter((s) => s.startsWith('later-'));
    await until(() => held().length >= 10, 'node B to receive the later records', 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(a.outbox.stats('alerts').records).toBe(0);
    a.outbox.close();
    b.outbox.close();
  });
});
