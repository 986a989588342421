import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilProcess, until } from '../support/vigil-process.js';
import { startClusterInfra, startClusterNodes, type ClusterInfra } from './infra.js';

/**
 * The broker nodes as one broker: three `vigil up` processes, each on its own NATS server, with
 * real TLS MQTT clients spread over them.
 */
let infra: ClusterInfra;
let nodes: VigilProcess[];
let device: { certPem: string; keyPem: string };
const clients: MqttClient[] = [];

beforeAll(async () => {
  infra = await startClusterInfra();
  // Persistent-session claims wait for the nodes heard from: let every node hear the others.
  nodes = await startClusterNodes(infra, {}, { allUp: true });
  // One certificate for every test client, with a policy that lets it do anything.
  await api(nodes[0]!, 'POST', '/policies/cluster-open', { policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] }) });
  const issued = await api<{ certificateArn: string; certificatePem: string; keyPair: { PrivateKey: string } }>(nodes[0]!, 'POST', '/keys-and-certificate?setAsActive=true');
  await api(nodes[0]!, 'PUT', '/target-policies/cluster-open', { target: issued.certificateArn });
  device = { certPem: issued.certificatePem, keyPem: issued.keyPair.PrivateKey };
});

afterAll(async () => {
  for (const client of clients) client.end(true);
  await Promise.all((nodes ?? []).map((n) => n.stop().catch(() => undefined)));
  await infra?.stop();
});

async function api<T>(node: VigilProcess, method: string, path: string, body?: unknown): Promise<T> {
  const response = await node.fetchApi(path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

async function counter(node: VigilProcess, series: string): Promise<number> {
  const text = await (await node.fetchApi('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

interface Connected {
  readonly client: MqttClient;
  readonly sessionPresent: boolean;
  readonly messages: IPublishPacket[];
}

async function connect(node: VigilProcess, clientId: string, options: IClientOptions = {}): Promise<Connected> {
  const ca = readFileSync(join(node.dataDir, 'secrets', 'ca.pem'), 'utf8');
  const client = mqtt.connect(node.endpoints['mqtt'] as string, { clientId, cert: device.certPem, key: device.keyPem, ca, rejectUnauthorized: true, reconnectPeriod: 0, connectTimeout: 10_000, protocolVersion: 5, ...options });
  clients.push(client);
  const messages: IPublishPacket[] = [];
  client.on('message', (_topic, _payload, packet) => messages.push(packet));
  const sessionPresent = await new Promise<boolean>((resolve, reject) => {
    client.once('connect', (connack) => resolve(connack.sessionPresent));
    client.once('error', reject);
    client.once('close', () => reject(new Error(`${clientId}: closed before CONNACK`)));
  });
  return { client, sessionPresent, messages };
}

async function subscribe(client: MqttClient, filter: string): Promise<void> {
  const granted = await client.subscribeAsync(filter, { qos: 1 });
  expect(granted[0]?.qos).toBe(1);
}

/** Publishes probes from `from` until `to` receives one: the subscription's interest has reached the NATS server of `from`. */
async function probe(from: MqttClient, topic: string, to: Connected): Promise<void> {
  await until(
    async () => {
      await from.publishAsync(topic, 'probe', { qos: 0 });
      await new Promise((r) => setTimeout(r, 50));
      return to.messages.some((m) => m.topic === topic);
    },
    `a probe on ${topic}`,
    10_000,
  );
}

describe('cluster: the broker nodes as one broker', () => {
  it('a subscriber on node A receives the QoS 1 publishes of nodes B and C, complete and in order per publisher', async () => {
    const sub = await connect(nodes[0]!, 'load-sub');
    await subscribe(sub.client, 'load/#');
    const pubB = await connect(nodes[1]!, 'load-pub-b');
    const pubC = await connect(nodes[2]!, 'load-pub-c');
    await probe(pubB.client, 'load/probe-b', sub);
    await probe(pubC.client, 'load/probe-c', sub);
    const count = 200;
    const started = Date.now();
    // Each publisher waits for its PUBACK before the next (the broker's Receive Maximum); B and C publish at once.
    await Promise.all(
      [pubB, pubC].map(async ({ client }, p) => {
        for (let i = 0; i < count; i++) await client.publishAsync(`load/${p === 0 ? 'b' : 'c'}`, `${i}`, { qos: 1 });
      }),
    );
    const received = (topic: string) => sub.messages.filter((m) => m.topic === topic);
    await until(() => received('load/b').length >= count && received('load/c').length >= count, '400 messages on node A', 30_000).catch(() => {
      throw new Error(`node A received ${received('load/b').length} from B and ${received('load/c').length} from C`);
    });
    const elapsedMs = Date.now() - started;
    process.stdout.write(`[cluster] 2 x ${count} QoS 1 publishes on nodes B and C reached node A in ${elapsedMs} ms\n`);
    const expected = Array.from({ length: count }, (_, i) => `${i}`);
    for (const topic of ['load/b', 'load/c']) {
      const messages = received(topic);
      expect(messages.map((m) => m.payload.toString())).toEqual(expected);
      expect(messages.every((m) => m.qos === 1)).toBe(true);
    }
    // /metrics counts what crossed: node B forwarded its 200 (and probes), node A delivered 400 (and probes) from the others.
    expect(await counter(nodes[1]!, 'vigil_cluster_mqtt_messages_total{direction="out"}')).toBeGreaterThanOrEqual(count);
    expect(await counter(nodes[0]!, 'vigil_cluster_mqtt_messages_total{direction="in"}')).toBeGreaterThanOrEqual(2 * count);
  });

  it('an MQTT 5 message keeps its user properties, correlation data, content type, response topic and expiry across nodes', async () => {
    const sub = await connect(nodes[2]!, 'props-sub');
    await subscribe(sub.client, 'props/+');
    const pub = await connect(nodes[1]!, 'props-pub');
    await probe(pub.client, 'props/probe', sub);
    await pub.client.publishAsync('props/x', 'with properties', {
      qos: 1,
      properties: { userProperties: { origin: 'node-b', tags: ['one', 'two'] }, correlationData: Buffer.from([0, 1, 2, 255]), contentType: 'text/plain', responseTopic: 'props/reply', payloadFormatIndicator: true, messageExpiryInterval: 120 },
    });
    await until(() => sub.messages.some((m) => m.topic === 'props/x'), 'the message on node C', 10_000);
    const message = sub.messages.find((m) => m.topic === 'props/x') as IPublishPacket;
    expect(message.payload.toString()).toBe('with properties');
    expect(message.properties?.userProperties).toEqual({ origin: 'node-b', tags: ['one', 'two'] });
    expect(Buffer.from(message.properties?.correlationData as Buffer)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(message.properties?.contentType).toBe('text/plain');
    expect(message.properties?.responseTopic).toBe('props/reply');
    expect(message.properties?.payloadFormatIndicator).toBe(true);
    expect(message.properties?.messageExpiryInterval).toBeGreaterThan(0);
    expect(message.properties?.messageExpiryInterval).toBeLessThanOrEqual(120);
  });

  it('a shared subscription with members on nodes A and B gets each message of node C once across the cluster', async () => {
    const members = [await connect(nodes[0]!, 'worker-a'), await connect(nodes[1]!, 'worker-b')];
    for (const member of members) {
      await subscribe(member.client, '$share/workers/jobs/#');
      await subscribe(member.client, 'jobs-end');
    }
    const pub = await connect(nodes[2]!, 'jobs-pub');
    // Both members' nodes hear node C: the end marker (a plain subscription) reaches both.
    await until(
      async () => {
        await pub.client.publishAsync('jobs-end', 'probe', { qos: 0 });
        await new Promise((r) => setTimeout(r, 50));
        return members.every((m) => m.messages.some((x) => x.topic === 'jobs-end'));
      },
      'both members reachable',
      10_000,
    );
    const count = 100;
    for (let i = 0; i < count; i++) await pub.client.publishAsync(`jobs/${i}`, `${i}`, { qos: 1 });
    await pub.client.publishAsync('jobs-end', 'end', { qos: 1 });
    // Messages from one node arrive in order: once both have the end marker, every job has arrived.
    await until(() => members.every((m) => m.messages.some((x) => x.payload.toString() === 'end')), 'the end marker on both members', 10_000);
    const jobs = members.flatMap((m) => m.messages.filter((x) => x.topic.startsWith('jobs/')).map((x) => x.payload.toString()));
    process.stdout.write(`[cluster] shared group: ${members.map((m) => m.messages.filter((x) => x.topic.startsWith('jobs/')).length).join(' + ')} of ${count} jobs on nodes A + B\n`);
    expect(jobs.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: count }, (_, i) => `${i}`));
  });

  it('a retained message published on node C reaches a later subscriber on node A; an empty payload clears it everywhere', async () => {
    const pub = await connect(nodes[2]!, 'retained-pub');
    await pub.client.publishAsync('retained/x', 'kept', { qos: 1, retain: true });
    let seen: IPublishPacket | undefined;
    // The stream carries it to node A; a subscriber that came too early is retried.
    await until(
      async () => {
        const sub = await connect(nodes[0]!, `retained-sub-${Date.now()}`);
        await subscribe(sub.client, 'retained/#');
        await new Promise((r) => setTimeout(r, 200));
        sub.client.end(true);
        seen = sub.messages.find((m) => m.topic === 'retained/x');
        return seen !== undefined;
      },
      'the retained message on node A',
      15_000,
    );
    expect(seen?.payload.toString()).toBe('kept');
    expect(seen?.retain, JSON.stringify(seen)).toBe(true);
    // Cleared on node B; a marker retained after it shows the clear was applied on node C.
    const clearer = await connect(nodes[1]!, 'retained-clear');
    await clearer.client.publishAsync('retained/x', '', { qos: 1, retain: true });
    await clearer.client.publishAsync('retained/marker', 'after the clear', { qos: 1, retain: true });
    let got: IPublishPacket[] = [];
    await until(
      async () => {
        const sub = await connect(nodes[2]!, `retained-late-${Date.now()}`);
        await subscribe(sub.client, 'retained/#');
        await new Promise((r) => setTimeout(r, 200));
        sub.client.end(true);
        got = sub.messages;
        return got.some((m) => m.topic === 'retained/marker');
      },
      'the marker on node C',
      15_000,
    );
    expect(got.map((m) => m.topic)).toEqual(['retained/marker']);
    // A node that starts after them reads them all before it takes devices: its first subscriber gets them.
    await nodes[1]!.stop();
    await nodes[1]!.start();
    await until(async () => (await api<{ nodes: Array<{ state: string }> }>(nodes[1]!, 'GET', '/api/v1/cluster')).nodes.filter((n) => n.state === 'up').length === 3, 'node B hears the others again', 20_000);
    const first = await connect(nodes[1]!, 'retained-after-restart');
    await subscribe(first.client, 'retained/#');
    await until(() => first.messages.length > 0, 'the retained messages on the restarted node B', 10_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${nodes[1]!.stderr.slice(-3000)}`);
    });
    expect(first.messages.map((m) => [m.topic, m.payload.toString(), m.retain])).toEqual([['retained/marker', 'after the clear', true]]);
  });

  it('a client id reconnecting to another node takes its session over: the old connection closes (0x8E) and its persistent subscription works on the new node', async () => {
    const persistent: IClientOptions = { clean: false, properties: { sessionExpiryInterval: 300 } };
    const first = await connect(nodes[0]!, 'roamer', persistent);
    expect(first.sessionPresent).toBe(false);
    await subscribe(first.client, 'roam/in');
    const disconnected = new Promise<number | undefined>((resolve) => first.client.once('disconnect', (packet) => resolve(packet.reasonCode)));
    const closed = new Promise<void>((resolve) => first.client.once('close', () => resolve()));
    const second = await connect(nodes[1]!, 'roamer', persistent);
    expect(await disconnected).toBe(0x8e);
    await closed;
    // The session (its subscription) came along: CONNACK says so, and messages flow without a new SUBSCRIBE.
    expect(second.sessionPresent).toBe(true);
    const pub = await connect(nodes[2]!, 'roam-pub');
    await probe(pub.client, 'roam/in', second);
    await pub.client.publishAsync('roam/in', 'to the new node', { qos: 1 });
    await until(() => second.messages.some((m) => m.payload.toString() === 'to the new node'), 'the message on node B', 10_000);
    expect(first.messages.some((m) => m.payload.toString() === 'to the new node')).toBe(false);
  });

  it('a clean client id reconnecting to another node closes the old connection there too (MQTT 3.1.1)', async () => {
    const first = await connect(nodes[2]!, 'roamer-311', { protocolVersion: 4 });
    const closed = new Promise<void>((resolve) => first.client.once('close', () => resolve()));
    const second = await connect(nodes[0]!, 'roamer-311', { protocolVersion: 4 });
    await closed;
    expect(second.client.connected).toBe(true);
    expect(second.sessionPresent).toBe(false);
  });
});
