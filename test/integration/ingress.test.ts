import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeTime } from '../../src/core/index.js';
import { decodeResponse, encodeReport, type MetricReport } from '../../src/protocol/index.js';
import { createTestPki } from '../support/test-pki.js';
import { closed, connected, nextMessage, startIngressFixture, type Device, type IngressFixture } from './ingress-support.js';

function report(reportId: number): MetricReport {
  return {
    header: { reportId, version: '1.0' },
    metrics: {
      listeningTcpPorts: { ports: [{ port: 22, interface: 'eth0' }], total: 1 },
      networkStats: { bytesIn: 100, bytesOut: 200, packetsIn: 3, packetsOut: 4 },
    },
  };
}

const reportTopic = (thing: string, format: 'json' | 'cbor') => `$aws/things/${thing}/defender/metrics/${format}`;

describe('ingress: the MQTT broker over TLS with certificate authentication and IoT policies', () => {
  // The fake clock starts an hour behind the real one. Certificates are issued at `time.now()` (backdated
  // 5 minutes), but the TLS handshake checks their validity against the real clock: a fake clock
  // advanced past the real one by more than the backdate (this file advances it 302 s) issues
  // certificates that are "not yet valid", and their handshakes fail ("connection closed before CONNACK").
  const time = new FakeTime(Date.now() - 3_600_000);
  let fx: IngressFixture;
  let alpha: Device;
  let beta: Device;

  beforeAll(async () => {
    fx = await startIngressFixture({ clock: time });
    alpha = await fx.device('alpha');
    beta = await fx.device('beta');
  });
  afterAll(async () => fx?.close());

  describe('authentication', () => {
    it('refuses a client without a certificate during the TLS handshake', async () => {
      await expect(connected(mqtt.connect(fx.url, { clientId: 'alpha', protocolVersion: 4, ca: fx.caPem, reconnectPeriod: 0, connectTimeout: 3000 }))).rejects.toThrow();
    });

    it('refuses a certificate issued by a CA that is not registered', async () => {
      const foreign = await (await createTestPki('Foreign CA')).issueClient('alpha');
      await expect(fx.connect({ certPem: foreign.certPem, keyPem: foreign.keyPem }, 'alpha')).rejects.toThrow();
    });

    it('refuses an INACTIVE certificate with CONNACK "not authorized"', async () => {
      const gamma = await fx.device('gamma');
      await fx.registry.certificates.updateCertificate(gamma.certificateId, 'INACTIVE');
      await expect(fx.connect(gamma, 'gamma')).rejects.toThrow(/Not authorized/i);
      expect(fx.telemetry.counter('mqtt_connect_refused', { reason: 'certificate_inactive' })).toBe(1);
    });

    it('accepts an issued certificate with the reference-pipeline policy and binds the connection to its thing', async () => {
      const client = await fx.connect(alpha, 'alpha');
      // Aedes marks a client ready (where the connection and its source-IP datapoint are recorded) just after CONNACK is written.
      await vi.waitFor(() => {
        const connection = fx.ingress.connections().find((c) => c.clientId === 'alpha');
        expect(connection).toMatchObject({ name: 'alpha', registered: true, certificateId: alpha.certificateId });
        expect(fx.datapoints.cloudOf('aws:source-ip-address', 'alpha').at(-1)).toMatchObject({ value: '127.0.0.1', registered: true });
      }, { timeout: 2000 });
      await client.endAsync();
    });

    it('refuses iot:Connect for a client id that is not the certificate\'s thing, counting an authorization failure', async () => {
      const before = fx.datapoints.cloudOf('aws:num-authorization-failures', 'not-alpha').length;
      await expect(fx.connect(alpha, 'not-alpha')).rejects.toThrow(/Not authorized/i);
      expect(fx.datapoints.cloudOf('aws:num-authorization-failures', 'not-alpha')).toHaveLength(before + 1);
    });
  });

  describe('authorization', () => {
    it('closes a client that publishes to another thing\'s reserved topic and records an authorization failure for it', async () => {
      const client = await fx.connect(alpha, 'alpha');
      const before = fx.datapoints.cloudOf('aws:num-authorization-failures', 'alpha').length;
      const gone = closed(client);
      client.publish(reportTopic('beta', 'json'), Buffer.from(encodeReport(report(1), { format: 'json', keys: 'long' })), { qos: 1 });
      await gone;
      const failures = fx.datapoints.cloudOf('aws:num-authorization-failures', 'alpha');
      expect(failures).toHaveLength(before + 1);
      expect(failures.at(-1)).toMatchObject({ topic: reportTopic('beta', 'json'), value: 1, registered: true });
    });

    it('refuses a subscription to "#" with SUBACK 0x80 and records an authorization failure, keeping the connection', async () => {
      const client = await fx.connect(alpha, 'alpha');
      const before = fx.datapoints.cloudOf('aws:num-authorization-failures', 'alpha').length;
      // mqtt.js turns SUBACK 0x80 into a rejected subscribe.
      await expect(client.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
      expect(client.connected).toBe(true);
      expect(fx.datapoints.cloudOf('aws:num-authorization-failures', 'alpha')).toHaveLength(before + 1);
      expect(fx.datapoints.cloudOf('aws:num-authorization-failures', 'alpha').at(-1)).toMatchObject({ topic: '#' });
      await client.endAsync();
    });

    it('never delivers a report topic to subscribers and hands ordinary publishes to the rules sink with byte-size datapoints', async () => {
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] });
      await fx.registry.policies.createPolicy('open', policy);
      const delta = await fx.device('delta', { policy: 'open' });
      const watcher = await fx.connect(delta, 'delta');
      await watcher.subscribeAsync('$aws/things/+/defender/metrics/#', { qos: 1 });
      await watcher.subscribeAsync('plant/+/temp', { qos: 1 });
      const seen: string[] = [];
      watcher.on('message', (topic) => seen.push(topic));
      const publisher = await fx.connect(await fx.device('epsilon', { policy: 'open' }), 'epsilon');
      await publisher.publishAsync(reportTopic('epsilon', 'json'), Buffer.from(encodeReport(report(time.now() / 1000), { format: 'json', keys: 'long' })), { qos: 1 });
      const delivered = nextMessage(watcher, (t) => t === 'plant/7/temp');
      await publisher.publishAsync('plant/7/temp', '21.5', { qos: 1 });
      await delivered;
      expect(seen.filter((t) => t === reportTopic('epsilon', 'json'))).toEqual([]);
      expect(fx.ruled.map((m) => m.topic)).toContain('plant/7/temp');
      expect(fx.ruled.map((m) => m.topic)).not.toContain(reportTopic('epsilon', 'json'));
      expect(fx.datapoints.cloudOf('aws:message-byte-size', 'epsilon').at(-1)).toMatchObject({ value: 4, topic: 'plant/7/temp' });
      expect(fx.datapoints.cloudOf('aws:num-messages-received', 'delta').some((d) => d.metric !== 'aws:source-ip-address' && d.topic === 'plant/7/temp')).toBe(true);
      await publisher.endAsync();
      await watcher.endAsync();
    });

    it('delivers every message under a wildcard subscription while its first Receive decisions are still pending', async () => {
      const sub = await fx.connect(await fx.device('lambda', { policy: 'open' }), 'lambda');
      await sub.subscribeAsync('burst/#', { qos: 1 });
      const pub = await fx.connect(await fx.device('mu', { policy: 'open' }), 'mu');
      const all = new Promise<string[]>((resolve) => {
        const got: string[] = [];
        sub.on('message', (_topic, payload) => got.push(payload.toString()) === 60 && resolve(got));
      });
      await Promise.all(Array.from({ length: 60 }, (_v, i) => pub.publishAsync(`burst/${i % 3}`, String(i), { qos: 1 })));
      expect((await all).map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_v, i) => i));
      await pub.endAsync();
      await sub.endAsync();
    });

    it('hands basic-ingest publishes ($aws/rules/...) to the rules sink and to no subscriber', async () => {
      const delta = await fx.device('zeta', { policy: 'open' });
      const client = await fx.connect(delta, 'zeta');
      await client.subscribeAsync('$aws/rules/#', { qos: 1 });
      const seen: string[] = [];
      client.on('message', (topic) => seen.push(topic));
      await client.publishAsync('$aws/rules/export_rule', '{"x":1}', { qos: 1 });
      await client.publishAsync('after', 'x', { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fx.ruled.map((m) => m.topic)).toContain('$aws/rules/export_rule');
      expect(seen).toEqual([]);
      await client.endAsync();
    });
  });

  describe('Device Defender reports', () => {
    it('answers a JSON report and a CBOR report on /accepted with their report ids; a malformed one on /rejected naming the path; a second report a second later is throttled', async () => {
      const client = await fx.connect(beta, 'beta');
      await client.subscribeAsync(`$aws/things/beta/defender/metrics/+/+`, { qos: 1 });
      const answer = async (format: 'json' | 'cbor', payload: Uint8Array) => {
        const next = nextMessage(client, (t) => t.startsWith(reportTopic('beta', format) + '/'));
        await client.publishAsync(reportTopic('beta', format), Buffer.from(payload), { qos: 1 });
        const { topic, payload: body } = await next;
        const decoded = decodeResponse(body, format);
        if (!decoded.ok) throw decoded.error;
        return { topic, response: decoded.value, raw: (format === 'json' ? JSON.parse(Buffer.from(body).toString('utf8')) : undefined) as Record<string, unknown> };
      };

      const firstId = Math.floor(time.now() / 1000);
      const json = await answer('json', encodeReport(report(firstId), { format: 'json', keys: 'long' }));
      expect(json.topic).toBe(`${reportTopic('beta', 'json')}/accepted`);
      expect(json.response).toMatchObject({ status: 'ACCEPTED', reportId: firstId, thingName: 'beta' });

      await time.advance(300_000);
      const cbor = await answer('cbor', encodeReport(report(firstId + 300), { format: 'cbor', keys: 'short' }));
      expect(cbor.topic).toBe(`${reportTopic('beta', 'cbor')}/accepted`);
      expect(cbor.response).toMatchObject({ status: 'ACCEPTED', reportId: firstId + 300 });

      const malformed = new TextEncoder().encode(JSON.stringify({ header: { report_id: firstId + 301, version: '1.0' }, metrics: { listening_tcp_ports: { ports: [{ port: 'ssh' }] } } }));
      const bad = await answer('json', malformed);
      expect(bad.topic).toBe(`${reportTopic('beta', 'json')}/rejected`);
      expect(bad.response).toMatchObject({ status: 'REJECTED', reportId: firstId + 301, statusDetails: { ErrorCode: 'InvalidPayload', ErrorMessage: 'Malformed metrics report' } });
      // AWS's shape exactly: the detail is in the server's log line, not the answer.
      expect(bad.raw.statusDetails).toEqual({ ErrorCode: 'InvalidPayload', ErrorMessage: 'Malformed metrics report' });

      await time.advance(1000);
      const tooSoon = await answer('json', encodeReport(report(firstId + 301), { format: 'json', keys: 'long' }));
      expect(tooSoon.topic).toBe(`${reportTopic('beta', 'json')}/rejected`);
      expect(tooSoon.response).toMatchObject({ status: 'REJECTED', reportId: firstId + 301, statusDetails: { ErrorCode: 'InvalidPayload', ErrorMessage: 'Metrics report throttled' } });

      expect(fx.datapoints.devices.filter((d) => d.thingName === 'beta').map((d) => d.reportId)).toEqual([firstId, firstId + 300]);
      expect(fx.datapoints.devices.find((d) => d.reportId === firstId)?.report.metrics?.networkStats?.bytesOut).toBe(200);
      await client.endAsync();
    });
  });

  describe('revocation and history', () => {
    it('disconnects a connected client within a second of its certificate being revoked, and refuses it afterwards', async () => {
      const eta = await fx.device('eta');
      const client = await fx.connect(eta, 'eta');
      const gone = closed(client, 1000);
      await fx.registry.certificates.updateCertificate(eta.certificateId, 'REVOKED');
      await gone;
      await expect(fx.connect(eta, 'eta')).rejects.toThrow();
      await fx.ingress.settled();
      const history = await (await import('../../src/store/index.js')).connectionHistoryRepository(fx.db).list({ limit: 10, clientId: 'eta' });
      expect(history.items[0]).toMatchObject({ thingName: 'eta', certificateId: eta.certificateId, disconnectReason: 'CREDENTIALS_REVOKED' });
      expect(fx.datapoints.cloudOf('aws:num-disconnects', 'eta')).toHaveLength(1);
    });

    it('closes the older connection when a second one uses the same client id, recording DUPLICATE_CLIENTID', async () => {
      const theta = await fx.device('theta');
      const first = await fx.connect(theta, 'theta');
      const gone = closed(first);
      await time.advance(1000);
      const second = await fx.connect(theta, 'theta');
      await gone;
      await fx.ingress.settled();
      const { connectionHistoryRepository } = await import('../../src/store/index.js');
      const history = await connectionHistoryRepository(fx.db).list({ limit: 10, clientId: 'theta' });
      expect(history.items.map((e) => e.disconnectReason)).toEqual([undefined, 'DUPLICATE_CLIENTID']);
      expect(fx.datapoints.cloudOf('aws:num-connection-attempts', 'theta')).toHaveLength(2);
      await second.endAsync();
    });

    it('disconnects a client when a policy change denies its iot:Connect', async () => {
      const iota = await fx.device('iota');
      const client = await fx.connect(iota, 'iota');
      const gone = closed(client);
      await fx.registry.policies.detachPolicy?.(fx.registry.defaultPolicyName, fx.registry.arns.cert(iota.certificateId));
      await gone;
    });
  });
});
