import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignPartitions, partitionOf } from '../../src/cluster/partitions.js';
import { VigilProcess, until } from '../support/vigil-process.js';
import { startClusterInfra, startClusterNodes, type ClusterInfra } from './infra.js';

/**
 * Detect partitioned by thing across three `vigil up` nodes: a thing's datapoints are evaluated by
 * the node that owns its partition wherever its device connects; the owner's SIGKILL moves its
 * partitions without raising an active alarm again; statistical thresholds rank the whole fleet.
 */
const NODE_IDS = ['node-a', 'node-b', 'node-c'];
const PARTITIONS = 64;
const ARN = 'arn:aws:iot:local:000000000000';
let infra: ClusterInfra;
let nodes: VigilProcess[];
const clients: MqttClient[] = [];

beforeAll(async () => {
  infra = await startClusterInfra();
  // Nodes node-a, node-b and node-c (NODE_IDS).
  nodes = await startClusterNodes(infra, { mqtt: { reports: { min_report_interval_secs: 0 } }, detect: { tick_interval_secs: 1, export_interval_secs: 1 } }, { allUp: true });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
  await Promise.all((nodes ?? []).map((n) => n.stop().catch(() => undefined)));
  await infra?.stop();
});

interface Status {
  nodes: Array<{ nodeId: string; state: string; partitions?: number }>;
  detect?: { partitions: number; adopting: number; routed: { sent: number; received: number; retried: number; failed: number }; pending: number; routeLatencyMs?: { p50: number; max: number } };
}

async function api<T>(node: VigilProcess, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await node.fetchApi(path, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

const status = (node: VigilProcess) => api<Status>(node, 'GET', '/api/v1/cluster');

/** A thing name (prefix-n) whose partition `owner` owns while all three nodes are up. */
function thingOwnedBy(owner: string, prefix: string, skip = 0): string {
  const owners = assignPartitions(NODE_IDS, PARTITIONS);
  let found = 0;
  for (let i = 0; ; i++) {
    const name = `${prefix}-${i}`;
    if (owners[partitionOf(name, PARTITIONS)] === owner && found++ === skip) return name;
  }
}

interface Device {
  readonly certPem: string;
  readonly keyPem: string;
}

async function createDevice(node: VigilProcess, thingName: string, policy = 'vigil-device-defender'): Promise<Device> {
  await api(node, 'POST', `/things/${thingName}`, {});
  const issued = await api<{ certificateArn: string; certificatePem: string; keyPair: { PrivateKey: string } }>(node, 'POST', '/keys-and-certificate?setAsActive=true');
  await api(node, 'PUT', `/target-policies/${policy}`, { target: issued.certificateArn });
  await api(node, 'PUT', `/things/${thingName}/principals`, undefined, { 'x-amzn-principal': issued.certificateArn });
  return { certPem: issued.certificatePem, keyPem: issued.keyPair.PrivateKey };
}

async function connect(node: VigilProcess, device: Device, clientId: string): Promise<MqttClient> {
  const ca = readFileSync(join(node.dataDir, 'secrets', 'ca.pem'), 'utf8');
  const client = await mqtt.connectAsync(node.endpoints['mqtt'] as string, { clientId, cert: device.certPem, key: device.keyPem, ca, rejectUnauthorized: true, reconnectPeriod: 0, connectTimeout: 10_000, protocolVersion: 4 });
  clients.push(client);
  return client;
}

/** Publishes a report with these listening TCP ports and waits for its `accepted` answer. */
async function report(client: MqttClient, thingName: string, reportId: number, ports: number[]): Promise<void> {
  await client.subscribeAsync(`$aws/things/${thingName}/defender/metrics/json/+`, { qos: 1 });
  const accepted = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`report ${reportId} of ${thingName} was not answered`)), 10_000);
    const onMessage = (topic: string, payload: Buffer): void => {
      const answer = JSON.parse(payload.toString('utf8')) as { reportId?: number };
      if (answer.reportId !== reportId || !topic.startsWith(`$aws/things/${thingName}/`)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      if (topic.endsWith('/accepted')) resolve();
      else reject(new Error(`report rejected: ${payload.toString('utf8')}`));
    };
    client.on('message', onMessage);
  });
  await client.publishAsync(`$aws/things/${thingName}/defender/metrics/json`, JSON.stringify({ header: { report_id: reportId, version: '1.0' }, metrics: { listening_tcp_ports: { ports: ports.map((port) => ({ port })), total: ports.length } } }), { qos: 1 });
  await accepted;
}

interface EventView {
  violationEventType: string;
  behavior: { name: string };
  thingName: string;
}

async function events(node: VigilProcess, thingName: string): Promise<EventView[]> {
  const now = Date.now();
  const listed = await api<{ violationEvents: EventView[] }>(node, 'GET', `/violation-events?thingName=${thingName}&startTime=${(now - 3_600_000) / 1000}&endTime=${(now + 60_000) / 1000}`);
  return listed.violationEvents;
}

const count = (list: EventView[], type: string, behavior: string) => list.filter((e) => e.violationEventType === type && e.behavior.name === behavior).length;

/** Waits until every live node lists `expected` events of this type and behavior for the thing (one registry: the same answer everywhere). */
async function eventsEverywhere(live: VigilProcess[], thingName: string, type: string, behavior: string, expected: number): Promise<void> {
  for (const node of live) await until(async () => count(await events(node, thingName), type, behavior) >= expected, `${expected} ${type} of ${behavior} for ${thingName}`, 20_000, 200);
}

describe('cluster: detect partitioned by thing', () => {
  const ftpThing = thingOwnedBy('node-c', 'ftp');
  let ftpClient: MqttClient;
  let reportId = 1;

  it('a device on node B whose thing node C owns raises its alarm once, evaluated on node C; its connects on nodes A and B are one series on C', async () => {
    const [a, b, c] = nodes as [VigilProcess, VigilProcess, VigilProcess];
    await api(a, 'POST', '/security-profiles/cluster-ports', {
      behaviors: [
        { name: 'ftp-listening', metric: 'aws:listening-tcp-ports', criteria: { comparisonOperator: 'in-port-set', value: { ports: [22, 443, 8883] } } },
        { name: 'many-ports', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals', value: { count: 3 } } },
      ],
      additionalMetricsToRetainV2: [{ metric: 'aws:num-connection-attempts', exportMetric: true }],
      metricsExportConfig: { mqttTopic: 'cluster/export', roleArn: 'arn:aws:iam::000000000000:role/export' },
    });
    await api(a, 'PUT', `/security-profiles/cluster-ports/targets?securityProfileTargetArn=${encodeURIComponent(`${ARN}:all/things`)}`);
    // The profile reaches the other nodes' engines over NATS (they read it again from PostgreSQL).
    await new Promise((r) => setTimeout(r, 1000));

    // One series: the thing connects once through node A and once through node B; node C's export
    // (the only one that counts it) carries both connection attempts.
    await api(a, 'POST', '/policies/cluster-reader', { policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] }) });
    const reader = await connect(c, await createDevice(c, 'cluster-export-reader', 'cluster-reader'), 'cluster-export-reader');
    const exported: Array<{ node: string; name: string; thing: string; value: { count?: number } }> = [];
    reader.on('message', (topic, payload) => {
      if (topic !== 'cluster/export') return;
      for (const m of (JSON.parse(payload.toString('utf8')) as { metrics: Array<{ name: string; thing: string; value: { count?: number } }> }).metrics) exported.push({ node: 'node-c', ...m });
    });
    await reader.subscribeAsync('cluster/export', { qos: 1 });
    const device = await createDevice(a, ftpThing);
    const first = await connect(a, device, ftpThing);
    await first.endAsync();
    ftpClient = await connect(b, device, ftpThing);
    await until(() => exported.filter((m) => m.thing === ftpThing && m.name === 'aws:num-connection-attempts').reduce((sum, m) => sum + (m.value.count ?? 0), 0) >= 2, 'the owner to export both connection attempts', 20_000, 100);
    expect(exported.filter((m) => m.thing === ftpThing && m.name === 'aws:num-connection-attempts').reduce((sum, m) => sum + (m.value.count ?? 0), 0)).toBe(2);

    // The FTP port: one in-alarm, on every node's API, however many violating reports follow.
    await report(ftpClient, ftpThing, reportId++, [21, 22]);
    await eventsEverywhere(nodes, ftpThing, 'in-alarm', 'ftp-listening', 1);
    await report(ftpClient, ftpThing, reportId++, [21, 22]);
    await report(ftpClient, ftpThing, reportId++, [21, 22, 443]);
    const [sB, sC] = [await status(b), await status(c)];
    process.stdout.write(`[cluster] node-b routed ${sB.detect?.routed.sent} datapoints to their owners; hand-off to acknowledgement ${JSON.stringify(sB.detect?.routeLatencyMs)} ms\n`);
    expect(sB.detect?.routed.sent).toBeGreaterThanOrEqual(3);
    expect(sC.detect?.routed.received).toBeGreaterThanOrEqual(3);
    expect(sC.nodes.map((n) => n.partitions)).toEqual(NODE_IDS.map((id) => assignPartitions(NODE_IDS, PARTITIONS).filter((o) => o === id).length));
    const metrics = await (await b.fetchApi('/metrics')).text();
    expect(metrics).toMatch(/vigil_cluster_detect_routed_total\{[^}]*result="sent"[^}]*\} [1-9]/);
    // Give a doubled evaluation time to show (a tick of every node), then count on every node.
    await new Promise((r) => setTimeout(r, 2000));
    for (const node of nodes) {
      const listed = await events(node, ftpThing);
      expect(count(listed, 'in-alarm', 'ftp-listening')).toBe(1);
      expect(listed.filter((e) => e.behavior.name === 'ftp-listening')).toHaveLength(1);
      const active = await api<{ activeViolations: unknown[] }>(node, 'GET', `/active-violations?thingName=${ftpThing}`);
      expect(active.activeViolations).toHaveLength(1);
    }
  });

  it('node C killed: its partitions move within the membership timeout, the active alarm is not raised again, a new violation is raised once; after its restart still once', async () => {
    const [a, b, c] = nodes as [VigilProcess, VigilProcess, VigilProcess];
    await c.kill();
    const killedAt = Date.now();
    for (const node of [a, b]) {
      await until(async () => {
        const s = await status(node);
        return s.nodes.find((n) => n.nodeId === 'node-c')?.state === 'gone' && (s.nodes.find((n) => n.nodeId === 'node-a')?.partitions ?? 0) + (s.nodes.find((n) => n.nodeId === 'node-b')?.partitions ?? 0) === PARTITIONS && s.detect?.adopting === 0;
      }, 'node C\'s partitions to move to A and B', 20_000, 100);
    }
    process.stdout.write(`[cluster] node-c killed; its partitions moved and were adopted after ${Date.now() - killedAt} ms (node_timeout_secs 3)\n`);

    // Still violating: the alarm continues on the new owner, no second in-alarm.
    await report(ftpClient, ftpThing, reportId++, [21, 22]);
    // A new violation of another behavior after the move: raised once.
    await report(ftpClient, ftpThing, reportId++, [21, 22, 23, 24]);
    await eventsEverywhere([a, b], ftpThing, 'in-alarm', 'many-ports', 1);
    await report(ftpClient, ftpThing, reportId++, [21, 22, 23, 24]);

    await c.start();
    await until(async () => {
      const s = await status(c);
      return s.nodes.filter((n) => n.state === 'up').length === 3 && s.detect?.adopting === 0 && s.nodes.find((n) => n.nodeId === 'node-c')?.partitions === assignPartitions(NODE_IDS, PARTITIONS).filter((o) => o === 'node-c').length;
    }, 'node C back with its partitions', 30_000, 100);
    for (const node of [a, b]) await until(async () => (await status(node)).nodes.find((n) => n.nodeId === 'node-c')?.state === 'up', 'the others to see node C', 10_000, 100);
    await new Promise((r) => setTimeout(r, 1500));
    // Node C owns the thing again: both alarms continue there.
    await report(ftpClient, ftpThing, reportId++, [21, 22, 23, 24]);
    await until(async () => ((await status(c)).detect?.routed.received ?? 0) > 0, 'node C to receive the thing\'s datapoints again', 20_000, 100);
    await new Promise((r) => setTimeout(r, 2000));
    for (const node of nodes) {
      const listed = await events(node, ftpThing);
      expect(count(listed, 'in-alarm', 'ftp-listening')).toBe(1);
      expect(count(listed, 'in-alarm', 'many-ports')).toBe(1);
      expect(listed).toHaveLength(2);
    }
    const failed = (await Promise.all(nodes.map(status))).map((s) => s.detect?.routed.failed ?? 0);
    expect(failed).toEqual([0, 0, 0]);
  });

  it('a statistical threshold ranks the values of things owned by every node (per-node populations would not alarm)', async () => {
    const [a, b] = nodes as [VigilProcess, VigilProcess, VigilProcess];
    await api(a, 'POST', '/security-profiles/cluster-fleet', {
      behaviors: [{ name: 'above-median', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals', statisticalThreshold: { statistic: 'p50' } } }],
    });
    await api(a, 'POST', '/thing-groups/fleet-check', {});
    await api(a, 'PUT', `/security-profiles/cluster-fleet/targets?securityProfileTargetArn=${encodeURIComponent(`${ARN}:thinggroup/fleet-check`)}`);
    // Node A owns six things at 1 port; node B owns four at 10 ports and the thing judged, at 5.
    // Node B's own population (10 x4) has p50 10: 5 <= 10 is compliant. The fleet's (1 x6, 10 x4) has p50 1: 5 violates.
    const low = Array.from({ length: 6 }, (_, i) => thingOwnedBy('node-a', 'fleet-low', i));
    const high = Array.from({ length: 4 }, (_, i) => thingOwnedBy('node-b', 'fleet-high', i));
    const judged = thingOwnedBy('node-b', 'fleet-judged');
    const devices = new Map<string, MqttClient>();
    // Each device connects to its owner's node: per-node evaluation would see the same split.
    for (const thing of [...low, ...high, judged]) {
      const node = low.includes(thing) ? a : b;
      const device = await createDevice(node, thing);
      await api(a, 'PUT', `/thing-groups/addThingToThingGroup`, { thingGroupName: 'fleet-check', thingName: thing });
      devices.set(thing, await connect(node, device, thing));
    }
    await new Promise((r) => setTimeout(r, 1000));
    let id = 1;
    for (const thing of low) await report(devices.get(thing)!, thing, id++, [22]);
    for (const thing of high) await report(devices.get(thing)!, thing, id++, [22, 80, 443, 1883, 8883, 8080, 8443, 9000, 9090, 9443]);
    // Fleet values travel between owners every second: the judged thing reports until it is ranked against them.
    await until(async () => {
      await report(devices.get(judged)!, judged, id++, [22, 80, 443, 1883, 8883]);
      return count(await events(b, judged), 'in-alarm', 'above-median') === 1;
    }, 'the judged thing to violate the fleet p50', 20_000, 500);
    for (const thing of low) expect(await events(a, thing)).toHaveLength(0);
  });
});
