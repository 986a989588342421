import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultHec } from '../support/fault-hec.js';
import { VigilProcess, until } from '../support/vigil-process.js';
import { startClusterInfra, startClusterNodes, type ClusterInfra } from './infra.js';

/**
 * Three `vigil up` processes with one cluster config (PostgreSQL registry, 3-node NATS): one CA, one
 * registry, and a registry change made through one node reaching the broker of another at once.
 */
let infra: ClusterInfra;
let nodes: VigilProcess[];

beforeAll(async () => {
  infra = await startClusterInfra();
  // Not waiting for the nodes to hear each other: the first test proves they do.
  nodes = await startClusterNodes(infra);
});

afterAll(async () => {
  await Promise.all((nodes ?? []).map((n) => n.stop().catch(() => undefined)));
  await infra?.stop();
});

interface Device {
  readonly certificateId: string;
  readonly certPem: string;
  readonly keyPem: string;
}

async function api<T>(node: VigilProcess, method: string, path: string, body?: unknown): Promise<T> {
  const response = await node.fetchApi(path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

async function createDevice(node: VigilProcess, thingName: string): Promise<Device> {
  await api(node, 'POST', `/things/${thingName}`, {});
  const issued = await api<{ certificateId: string; certificateArn: string; certificatePem: string; keyPair: { PrivateKey: string } }>(node, 'POST', '/keys-and-certificate?setAsActive=true');
  await api(node, 'PUT', `/target-policies/vigil-device-defender`, { target: issued.certificateArn });
  const attach = await node.fetchApi(`/things/${thingName}/principals`, { method: 'PUT', headers: { 'x-amzn-principal': issued.certificateArn } });
  expect(attach.status).toBe(200);
  return { certificateId: issued.certificateId, certPem: issued.certificatePem, keyPem: issued.keyPair.PrivateKey };
}

function connect(node: VigilProcess, device: Device, clientId: string): Promise<{ client: MqttClient; error?: Error }> {
  const ca = readFileSync(join(node.dataDir, 'secrets', 'ca.pem'), 'utf8');
  const client = mqtt.connect(node.endpoints['mqtt'] as string, { clientId, cert: device.certPem, key: device.keyPem, ca, rejectUnauthorized: true, reconnectPeriod: 0, connectTimeout: 10_000, protocolVersion: 4 });
  return new Promise((resolve) => {
    client.once('connect', () => resolve({ client }));
    client.once('error', (error) => resolve({ client, error }));
    client.once('close', () => resolve({ client, error: new Error('closed before CONNACK') }));
  });
}

describe('cluster: one registry, one CA, changes on every node at once', () => {
  it('every node hears the other two (vigil cluster status)', async () => {
    for (const node of nodes) {
      await until(async () => (await api<{ nodes: Array<{ state: string }> }>(node, 'GET', '/api/v1/cluster')).nodes.filter((n) => n.state === 'up').length === 3, 'three nodes up', 20_000);
    }
    const status = await api<{ mode: string; nodeId: string; nodes: Array<{ nodeId: string; self: boolean; natsConnected: boolean; roles: string[] }> }>(nodes[1]!, 'GET', '/api/v1/cluster');
    expect(status.mode).toBe('cluster');
    expect(status.nodes.map((n) => [n.nodeId, n.self, n.natsConnected])).toEqual([
      ['node-a', false, true],
      ['node-b', true, true],
      ['node-c', false, true],
    ]);
    expect(status.nodes[0]!.roles).toContain('broker');
  });

  it('the nodes share one CA: a certificate issued through node A connects to node C', async () => {
    const cas = nodes.map((n) => readFileSync(join(n.dataDir, 'secrets', 'ca.pem'), 'utf8'));
    expect(new Set(cas).size).toBe(1);
    const device = await createDevice(nodes[0]!, 'cluster-shared-ca');
    const { client, error } = await connect(nodes[2]!, device, 'cluster-shared-ca');
    expect(error).toBeUndefined();
    client.end(true);
  });

  it('a certificate revoked through node A disconnects its device on node C within 1 s, and C refuses it after', async () => {
    const device = await createDevice(nodes[0]!, 'cluster-revoked');
    const { client, error } = await connect(nodes[2]!, device, 'cluster-revoked');
    expect(error).toBeUndefined();
    // Without the change reaching node C the device stays connected: give up after 5 s.
    const closed = new Promise<number>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('the device on node C is still connected 5 s after the revocation')), 5000);
      client.once('close', () => (clearTimeout(timeout), resolve(Date.now())));
    });
    const revokedAt = Date.now();
    await api(nodes[0]!, 'PUT', `/certificates/${device.certificateId}?newStatus=REVOKED`);
    const closedAt = await closed;
    const latencyMs = closedAt - revokedAt;
    process.stdout.write(`[cluster] revoked through node-a, device on node-c closed after ${latencyMs} ms\n`);
    expect(latencyMs).toBeLessThanOrEqual(1000);
    const again = await connect(nodes[2]!, device, 'cluster-revoked');
    expect(again.error).toBeDefined();
    again.client.end(true);
  });

  it('a delivery stream buffers in JetStream: every record put through a node reaches the sink once', async () => {
    const hec = new FaultHec();
    await hec.start();
    try {
      const a = nodes[0]!;
      await a.firehose('CreateDeliveryStream', {
        DeliveryStreamName: 'cluster-siem',
        SplunkDestinationConfiguration: { HECEndpoint: hec.url, HECEndpointType: 'Event', HECToken: hec.token, BufferingHints: { IntervalInSeconds: 1, SizeInMBs: 1 }, S3Configuration: { RoleARN: 'r', BucketARN: 'b' } },
      });
      const ids = Array.from({ length: 300 }, (_, i) => i);
      const put = await a.firehose('PutRecordBatch', { DeliveryStreamName: 'cluster-siem', Records: ids.map((id) => ({ Data: Buffer.from(JSON.stringify({ event: { id } })).toString('base64') })) });
      expect(put['FailedPutCount']).toBe(0);
      await until(() => new Set(hec.ids()).size === ids.length, 'the sink to receive all 300 records', 30_000).catch(async (error: unknown) => {
        throw new Error(`${String(error)}: sink has ${new Set(hec.ids()).size}; stream ${await (await a.fetchApi('/api/v1/streams/cluster-siem/status')).text()}\n${a.stderr.slice(-3000)}`);
      });
      expect([...new Set(hec.ids())].sort((x, y) => x - y)).toEqual(ids);
      // The records left JetStream once delivered: the stream's buffer is empty.
      await until(async () => ((await (await a.fetchApi('/api/v1/streams/cluster-siem/status')).json()) as { outboxRecords?: number }).outboxRecords === 0, 'an empty buffer', 10_000);
    } finally {
      await hec.stop();
    }
  });

  it('a delivery stream created, updated and deleted through node A does so on B and C at once; every record put on any node reaches the sink once', async () => {
    const first = new FaultHec();
    const second = new FaultHec();
    await Promise.all([first.start(), second.start()]);
    const [a, b, c] = nodes as [VigilProcess, VigilProcess, VigilProcess];
    let next = 0;
    /** Puts `count` records through `node`; returns their ids, or undefined when the stream is unknown there. */
    const put = async (node: VigilProcess, count: number): Promise<number[] | undefined> => {
      const ids = Array.from({ length: count }, () => next++);
      try {
        const answer = await node.firehose('PutRecordBatch', { DeliveryStreamName: 'cluster-spread', Records: ids.map((id) => ({ Data: Buffer.from(JSON.stringify({ event: { id } })).toString('base64') })) });
        expect(answer['FailedPutCount']).toBe(0);
        return ids;
      } catch (error) {
        if ((error as { status?: number }).status === 404 && JSON.stringify((error as { body?: unknown }).body).includes('ResourceNotFound')) return undefined;
        throw error;
      }
    };
    try {
      await a.firehose('CreateDeliveryStream', {
        DeliveryStreamName: 'cluster-spread',
        SplunkDestinationConfiguration: { HECEndpoint: first.url, HECEndpointType: 'Event', HECToken: first.token, BufferingHints: { IntervalInSeconds: 1, SizeInMBs: 1 }, S3Configuration: { RoleARN: 'r', BucketARN: 'b' } },
      });
      // B and C run it without a restart: their puts are accepted once the change reached them.
      const accepted: number[] = [];
      for (const node of [b, c]) {
        let ids: number[] | undefined;
        await until(async () => (ids = await put(node, 1)) !== undefined, `node ${node.dir} to know the new stream`, 5000);
        accepted.push(...(ids as number[]));
      }
      for (const node of [a, b, c]) accepted.push(...((await put(node, 100)) as number[]));
      await until(() => new Set(first.ids()).size === accepted.length, `the sink to receive all ${accepted.length} records`, 30_000);
      expect([...first.ids()].sort((x, y) => x - y)).toEqual(accepted.sort((x, y) => x - y));

      // Updated through A (another sink): C delivers what it is given to the new sink.
      const described = await api<Record<string, unknown>>(a, 'GET', '/api/v1/streams/cluster-spread');
      const sink = described['sink'] as Record<string, unknown>;
      await api(a, 'PUT', '/api/v1/streams/cluster-spread', { ...described, sink: { ...sink, endpoint: second.url, token: second.token } });
      await until(async () => {
        await put(c, 1);
        return second.ids().length > 0;
      }, 'node C to deliver to the new sink', 10_000);

      // Deleted through A: B and C refuse puts to it.
      await a.firehose('DeleteDeliveryStream', { DeliveryStreamName: 'cluster-spread' });
      for (const node of [b, c]) await until(async () => (await put(node, 1)) === undefined, 'the deleted stream to be refused', 5000);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
