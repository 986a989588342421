import mqtt, { type IClientOptions, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeResponse, encodeReport, type MetricReport } from '../../src/protocol/index.js';
import { startIngressFixture, type Device, type IngressFixture } from './ingress-support.js';

const V5: IClientOptions = { protocolVersion: 5 };

/** Devices may use app/#, their own reserved topics and shared subscriptions; nothing else. */
function appPolicy(arn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: `${arn}:client/\${iot:Connection.Thing.ThingName}` },
      { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: [`${arn}:topic/app/*`, `${arn}:topic/$aws/things/\${iot:Connection.Thing.ThingName}/*`] },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: [`${arn}:topicfilter/app/*`, `${arn}:topicfilter/$share/*`, `${arn}:topicfilter/$aws/things/\${iot:Connection.Thing.ThingName}/*`] },
    ],
  });
}

function report(reportId: number): MetricReport {
  return { header: { reportId, version: '1.0' }, metrics: { listeningTcpPorts: { ports: [{ port: 22, interface: 'eth0' }], total: 1 } } };
}

/** Collects every message a client receives, with its v5 packet. */
function inbox(client: MqttClient): IPublishPacket[] {
  const got: IPublishPacket[] = [];
  client.on('message', (_topic, _payload, packet) => got.push(packet));
  return got;
}

/** Resolves with the reason code of the next DISCONNECT the server sends. */
function serverDisconnect(client: MqttClient): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no DISCONNECT from the server')), 5000);
    client.once('disconnect', (packet) => {
      clearTimeout(timer);
      resolve(packet.reasonCode);
    });
  });
}

describe('ingress: MQTT 5 clients over mutual TLS (mqtt.js, protocolVersion 5)', () => {
  let fx: IngressFixture;
  const devices: Record<string, Device> = {};

  beforeAll(async () => {
    fx = await startIngressFixture();
    const arn = `arn:aws:iot:${fx.registry.arns.region}:${fx.registry.arns.accountId}`;
    await fx.registry.policies.createPolicy('app-v5', appPolicy(arn));
    for (const name of ['pub5', 'sub5', 'member1', 'member2', 'owner5', 'revoked5', 'offline5']) devices[name] = await fx.device(name, { policy: 'app-v5' });
  });
  afterAll(async () => fx?.close());

  const device = (name: string): Device => devices[name] as Device;

  it('answers a Device Defender report on /accepted and on the request\'s Response Topic with its Correlation Data echoed', async () => {
    const client = await fx.connect(device('pub5'), 'pub5', V5);
    const got = inbox(client);
    await client.subscribeAsync(['$aws/things/pub5/defender/metrics/json/accepted', 'app/pub5/answers'], { qos: 1 });
    const body = Buffer.from(encodeReport(report(7), { format: 'json', keys: 'long' }));
    await client.publishAsync('$aws/things/pub5/defender/metrics/json', body, { qos: 1, properties: { responseTopic: 'app/pub5/answers', correlationData: Buffer.from('request-7') } });
    await vi.waitFor(() => expect(got.map((p) => p.topic).sort()).toEqual(['$aws/things/pub5/defender/metrics/json/accepted', 'app/pub5/answers']), { timeout: 3000 });
    const answer = got.find((p) => p.topic === 'app/pub5/answers') as IPublishPacket;
    expect(answer.properties?.correlationData?.toString()).toBe('request-7');
    expect(decodeResponse(answer.payload as Buffer, 'json')).toMatchObject({ ok: true, value: { status: 'ACCEPTED', reportId: 7, thingName: 'pub5' } });
    expect(fx.datapoints.devices.filter((d) => d.thingName === 'pub5').map((d) => d.reportId)).toEqual([7]);
    await client.endAsync();
  });

  it('passes user properties, content type and payload format indicator through to a v5 subscriber; a 3.1.1 subscriber gets the payload', async () => {
    const sub = await fx.connect(device('sub5'), 'sub5', V5);
    const old = await fx.connect(device('member1'), 'member1');
    const got = inbox(sub);
    const gotOld = inbox(old);
    await sub.subscribeAsync('app/props', { qos: 1 });
    await old.subscribeAsync('app/props', { qos: 1 });
    const pub = await fx.connect(device('pub5'), 'pub5', V5);
    await pub.publishAsync('app/props', '{"a":1}', { qos: 1, properties: { userProperties: { site: 'plant-4', line: ['a', 'b'] }, contentType: 'application/json', payloadFormatIndicator: true } });
    await vi.waitFor(() => expect(got).toHaveLength(1), { timeout: 3000 });
    expect(got[0]?.properties).toMatchObject({ userProperties: { site: 'plant-4', line: ['a', 'b'] }, contentType: 'application/json', payloadFormatIndicator: true });
    await vi.waitFor(() => expect(gotOld.map((p) => String(p.payload))).toEqual(['{"a":1}']), { timeout: 3000 });
    expect(fx.ruled.filter((m) => m.topic === 'app/props').map((m) => m.clientId)).toEqual(['pub5']);
    await Promise.all([sub.endAsync(), old.endAsync(), pub.endAsync()]);
  });

  it('resumes a session (clean start false, session expiry) with its subscription, and drops a queued message whose expiry passed', async () => {
    const first = await fx.connect(device('offline5'), 'offline5', { ...V5, clean: false, properties: { sessionExpiryInterval: 300 } });
    await first.subscribeAsync('app/queued', { qos: 1 });
    await first.endAsync();
    const pub = await fx.connect(device('pub5'), 'pub5', V5);
    await pub.publishAsync('app/queued', 'short-lived', { qos: 1, properties: { messageExpiryInterval: 1 } });
    await pub.publishAsync('app/queued', 'long-lived', { qos: 1, properties: { messageExpiryInterval: 120 } });
    await new Promise((r) => setTimeout(r, 1600));
    const again = await fx.connect(device('offline5'), 'offline5', { ...V5, clean: false, properties: { sessionExpiryInterval: 300 } });
    const got = inbox(again);
    await vi.waitFor(() => expect(got.map((p) => String(p.payload))).toEqual(['long-lived']), { timeout: 3000 });
    // The remaining lifetime is forwarded, less the time it waited (§3.3.2.3.3).
    expect(got[0]?.properties?.messageExpiryInterval).toBeLessThan(120);
    expect(got[0]?.properties?.messageExpiryInterval).toBeGreaterThan(100);
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toHaveLength(1);
    await Promise.all([again.endAsync(), pub.endAsync()]);
  });

  it('splits a shared subscription ($share/group/filter) between its two members', async () => {
    const m1 = await fx.connect(device('member1'), 'member1', V5);
    const m2 = await fx.connect(device('member2'), 'member2', V5);
    const got1 = inbox(m1);
    const got2 = inbox(m2);
    await m1.subscribeAsync('$share/workers/app/jobs/+', { qos: 1 });
    await m2.subscribeAsync('$share/workers/app/jobs/+', { qos: 1 });
    const pub = await fx.connect(device('pub5'), 'pub5', V5);
    for (let i = 0; i < 10; i++) await pub.publishAsync(`app/jobs/${i}`, `job-${i}`, { qos: 1 });
    await vi.waitFor(() => expect(got1.length + got2.length).toBe(10), { timeout: 3000 });
    expect(got1).toHaveLength(5);
    expect(got2).toHaveLength(5);
    expect([...got1, ...got2].map((p) => String(p.payload)).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `job-${i}`).sort());
    await Promise.all([m1.endAsync(), m2.endAsync(), pub.endAsync()]);
  });

  it('answers a denied publish with PUBACK 0x87, keeps the connection, and counts an authorization failure', async () => {
    const pub = await fx.connect(device('pub5'), 'pub5', V5);
    const before = fx.datapoints.cloudOf('aws:num-authorization-failures', 'pub5').length;
    const denied = await pub.publishAsync('forbidden/topic', 'x', { qos: 1 }).then(
      () => undefined,
      (error: unknown) => error as { code?: number },
    );
    expect(denied?.code).toBe(0x87);
    expect(fx.datapoints.cloudOf('aws:num-authorization-failures', 'pub5')).toHaveLength(before + 1);
    expect(fx.telemetry.counter('mqtt_authorization_denied', { action: 'publish' })).toBeGreaterThanOrEqual(1);
    expect(pub.connected).toBe(true);
    await pub.publishAsync('app/after-denial', 'still here', { qos: 1 });
    expect(fx.ruled.some((m) => m.topic === 'app/after-denial')).toBe(true);
    await pub.endAsync();
  });

  // mqtt.js sends aliases only up to the Topic Alias Maximum the CONNACK announced.
  it('resolves a topic alias the client set (Topic Alias Maximum 8 in CONNACK)', async () => {
    const sub = await fx.connect(device('sub5'), 'sub5', V5);
    const got = inbox(sub);
    await sub.subscribeAsync('app/alias/long/name', { qos: 1 });
    const pub = await fx.connect(device('pub5'), 'pub5', V5);
    await pub.publishAsync('app/alias/long/name', 'first', { qos: 1, properties: { topicAlias: 3 } });
    await pub.publishAsync('', 'second', { qos: 1, properties: { topicAlias: 3 } });
    await vi.waitFor(() => expect(got.map((p) => [p.topic, String(p.payload)])).toEqual([
      ['app/alias/long/name', 'first'],
      ['app/alias/long/name', 'second'],
    ]), { timeout: 3000 });
    await Promise.all([sub.endAsync(), pub.endAsync()]);
    const raw = mqtt.connect(fx.url, { clientId: 'pub5', protocolVersion: 5, key: device('pub5').keyPem, cert: device('pub5').certPem, ca: fx.caPem, reconnectPeriod: 0 });
    const connack = await new Promise<IConnackPacket>((resolve) => raw.once('connect', resolve));
    expect(connack.properties).toMatchObject({ topicAliasMaximum: 8, maximumQoS: 1, sharedSubscriptionAvailable: true, retainAvailable: true });
    await raw.endAsync();
  });

  it('disconnects the older connection with reason 0x8E (session taken over) when the client id connects again', async () => {
    const older = await fx.connect(device('owner5'), 'owner5', V5);
    const reason = serverDisconnect(older);
    const newer = await fx.connect(device('owner5'), 'owner5', V5);
    expect(await reason).toBe(0x8e);
    expect(newer.connected).toBe(true);
    await newer.endAsync();
  });

  it('disconnects a connected client with reason 0x98 (administrative action) when its certificate is revoked', async () => {
    const client = await fx.connect(device('revoked5'), 'revoked5', V5);
    const reason = serverDisconnect(client);
    await fx.registry.certificates.updateCertificate(device('revoked5').certificateId, 'REVOKED');
    expect(await reason).toBe(0x98);
  });
});
