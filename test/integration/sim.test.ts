import { afterEach, describe, expect, it } from 'vitest';
import type { Client, Subscription } from 'aedes';
import { systemClock, systemTimer } from '../../src/core/index.js';
import { acceptedResponse, decodeReport, encodeResponse, parseDefenderTopic, type MetricReport } from '../../src/protocol/index.js';
import { Simulator, buildFleet, scenario, type DeviceIdentity } from '../../src/sim/index.js';
import { startTestBroker, type BrokerPublish, type TestBroker } from '../support/test-broker.js';
import { createTestPki, type TestPki } from '../support/test-pki.js';

interface Seen {
  readonly publish: BrokerPublish;
  readonly report: MetricReport | undefined;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A TLS broker that answers every report on /accepted, recording reports and the order of subscribe vs publish. */
async function brokerWithAnswers(pki: TestPki): Promise<{ broker: TestBroker; seen: Seen[]; firstSubscribe: Map<string, number>; firstPublish: Map<string, number> }> {
  const seen: Seen[] = [];
  const firstSubscribe = new Map<string, number>();
  const firstPublish = new Map<string, number>();
  let sequence = 0;
  const broker = await startTestBroker({
    pki,
    onPublish: async (publish, handle) => {
      const topic = parseDefenderTopic(publish.topic);
      if (topic?.kind !== 'report') return;
      if (!firstPublish.has(publish.clientId)) firstPublish.set(publish.clientId, ++sequence);
      const decoded = decodeReport(publish.payload, topic.format);
      seen.push({ publish, report: decoded.ok ? decoded.value : undefined });
      if (decoded.ok) await handle.publish(`${publish.topic}/accepted`, encodeResponse(acceptedResponse(topic.thingName, decoded.value.header.reportId, Date.now()), topic.format));
    },
  });
  broker.broker.on('subscribe', (_subscriptions: Subscription[], client: Client) => {
    if (!firstSubscribe.has(client.id)) firstSubscribe.set(client.id, ++sequence);
  });
  cleanups.push(() => broker.close());
  return { broker, seen, firstSubscribe, firstPublish };
}

async function identities(pki: TestPki, names: readonly string[]): Promise<Map<string, DeviceIdentity>> {
  const map = new Map<string, DeviceIdentity>();
  for (const thingName of names) {
    const issued = await pki.issueClient(thingName);
    map.set(thingName, { thingName, certPem: issued.certPem, keyPem: issued.keyPem });
  }
  return map;
}

describe('fleet simulator against a real MQTT-over-TLS broker', () => {
  it('ftp-port-21: devices report over TLS with their own certificates; the target starts listening on TCP/21 after its first report', async () => {
    const pki = await createTestPki();
    const { broker, seen, firstSubscribe, firstPublish } = await brokerWithAnswers(pki);
    const fleet = buildFleet({ count: 4, seed: 3 });
    const simulator = new Simulator({
      endpoint: `mqtts://127.0.0.1:${broker.port}`,
      caPem: pki.caCertPem,
      fleet,
      identities: await identities(pki, fleet.map((d) => d.thingName)),
      scenario: scenario('ftp-port-21')!,
      speed: 1200, // a 300 s reporting interval every 250 ms
      clock: systemClock,
      timer: systemTimer,
    });
    cleanups.push(() => simulator.stop());
    await simulator.start();
    const target = simulator.target;
    expect(target).toBe(fleet[2]!.thingName);
    await until(() => (simulator.stats().acceptedByThing[target] ?? 0) >= 3 && fleet.every((d) => (simulator.stats().acceptedByThing[d.thingName] ?? 0) >= 1));

    for (const { publish, report } of seen) {
      expect(report).toBeDefined();
      expect(publish.qos).toBe(1);
      expect(publish.topic).toBe(`$aws/things/${publish.clientId}/defender/metrics/json`);
      expect(publish.certCn).toBe(publish.clientId);
    }
    for (const device of fleet) expect(firstSubscribe.get(device.thingName)!).toBeLessThan(firstPublish.get(device.thingName)!);

    const ports = (thing: string): number[][] => seen.filter((s) => s.publish.clientId === thing).map((s) => (s.report?.metrics?.listeningTcpPorts?.ports ?? []).map((p) => p.port ?? 0));
    const targetPorts = ports(target);
    expect(targetPorts[0]).not.toContain(21);
    expect(targetPorts[1]).toContain(21);
    expect(targetPorts[1]!.length).toBe(targetPorts[0]!.length + 1);
    const totals = seen.filter((s) => s.publish.clientId === target).map((s) => s.report?.metrics?.listeningTcpPorts?.total);
    expect(totals[1]).toBe((totals[0] ?? 0) + 1);
    for (const device of fleet.filter((d) => d.thingName !== target)) for (const list of ports(device.thingName)) expect(list).not.toContain(21);

    const ids = seen.filter((s) => s.publish.clientId === target).map((s) => s.report!.header.reportId);
    for (let i = 1; i < ids.length; i++) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!);
    expect(simulator.stats().rejected).toBe(0);
  });

  it('shared-certificate: a second client id connects with the target\'s certificate while the target stays connected', async () => {
    const pki = await createTestPki();
    const { broker } = await brokerWithAnswers(pki);
    const connected: Array<{ id: string; cn: string | undefined }> = [];
    broker.broker.on('client', (client: Client) => {
      const conn = client.conn as unknown as { getPeerCertificate?: () => { subject?: { CN?: string } } };
      connected.push({ id: client.id, cn: conn.getPeerCertificate?.().subject?.CN });
    });
    const fleet = buildFleet({ count: 3 });
    const target = fleet[2]!.thingName;
    const simulator = new Simulator({
      endpoint: `mqtts://127.0.0.1:${broker.port}`,
      caPem: pki.caCertPem,
      fleet,
      identities: await identities(pki, fleet.map((d) => d.thingName)),
      scenario: scenario('shared-certificate')!,
      twin: `${target}-twin`,
      speed: 1200,
      clock: systemClock,
      timer: systemTimer,
    });
    cleanups.push(() => simulator.stop());
    await simulator.start();
    await until(() => connected.some((c) => c.id === `${target}-twin`));
    expect(connected.find((c) => c.id === `${target}-twin`)?.cn).toBe(target);
    // Both stay connected at once (Aedes keeps live clients by id).
    const live = (broker.broker as unknown as { clients: Record<string, unknown> }).clients;
    expect(live[target]).toBeDefined();
    expect(live[`${target}-twin`]).toBeDefined();
  });

  it('flapping: the target\'s connection drops and comes back while the others stay up', async () => {
    const pki = await createTestPki();
    const { broker } = await brokerWithAnswers(pki);
    const connects = new Map<string, number>();
    broker.broker.on('client', (client: Client) => connects.set(client.id, (connects.get(client.id) ?? 0) + 1));
    const fleet = buildFleet({ count: 3 });
    const simulator = new Simulator({
      endpoint: `mqtts://127.0.0.1:${broker.port}`,
      caPem: pki.caCertPem,
      fleet,
      identities: await identities(pki, fleet.map((d) => d.thingName)),
      scenario: scenario('flapping')!,
      speed: 600,
      clock: systemClock,
      timer: systemTimer,
    });
    cleanups.push(() => simulator.stop());
    await simulator.start();
    await until(() => (connects.get(simulator.target) ?? 0) >= 3);
    for (const device of fleet.filter((d) => d.thingName !== simulator.target)) expect(connects.get(device.thingName)).toBe(1);
  });
});
