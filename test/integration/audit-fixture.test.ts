import { X509Certificate, createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTime, unwrap } from '../../src/core/index.js';
import { notifyClient, registryClient } from '../../src/api/index.js';
import { AUDIT_CHECKS, debianFingerprint } from '../../src/audit/index.js';
import { connectionHistoryRepository } from '../../src/store/index.js';
import { crl, issue, nodeSpki, rocaModulus, rootCa, rsaModulusOf, rsaSpki } from '../fixtures/audit/audit-pki.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { tempDir } from '../support/temp.js';

const DAY = 86_400_000;
const ARN = 'arn:aws:iot:local:000000000000';
const GOLDEN = join(import.meta.dirname, '../fixtures/audit/notification.golden.json');
const idOf = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

/** A webhook that keeps every raw message it receives. */
function webhook() {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(body);
      res.end('ok');
    });
  });
  return new Promise<{ url: string; received: string[]; close(): Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`, received, close: () => new Promise((r) => server.close(() => r())) })),
  );
}

describe('audit over a fixture registry (one known-bad resource per check)', () => {
  const dir = tempDir();
  let vigil: TestVigil;
  let hook: Awaited<ReturnType<typeof webhook>>;
  const labels = new Map<string, string>();

  beforeAll(async () => {
    const t0 = Date.now();
    const clock = new FakeTime(t0);
    const debianKey = nodeSpki('rsa-2048');
    const blocklist = join(dir.path, 'blacklist.RSA-2048');
    writeFileSync(blocklist, `# fixture\n${debianFingerprint(rsaModulusOf(debianKey))}\n`);
    vigil = await startTestVigil({ log: { level: 'silent' }, audit: { connection_data_lag_secs: 0, debian_weak_key_blocklists: [blocklist] } }, { clock });
    const { registry } = vigil.running;
    const label = (name: string, pem: string) => {
      labels.set(idOf(pem), name);
      return pem;
    };

    const root = await rootCa('Fixture Root', t0);
    await registry.certificates.registerCaCertificate({ caCertificate: label('root', root.pem), setAsActive: true });
    const device = async (name: string, options: { days?: number; spki?: Buffer; issuer?: typeof root } = {}) => {
      const c = await issue(options.issuer ?? root, name, { now: t0, days: options.days ?? 365, ...(options.spki === undefined ? {} : { spki: options.spki }) });
      await registry.certificates.registerCertificate({ certificatePem: label(name, c.pem), setAsActive: true });
      return c;
    };
    await device('old-device');
    clock.set(t0 + 31 * DAY);
    const intermediate = await issue(root, 'revoked-intermediate', { now: t0, days: 365, ca: true });
    await registry.certificates.registerCaCertificate({ caCertificate: label('revoked-intermediate', intermediate.pem), setAsActive: true });
    await registry.certificates.registerCaCertificate({ caCertificate: label('expiring-ca', (await issue(root, 'expiring-ca', { now: t0, days: 41, ca: true })).pem), setAsActive: true });
    await registry.certificates.registerCaCertificate({ caCertificate: label('roca-ca', (await issue(root, 'roca-ca', { now: t0, days: 365, ca: true, spki: rsaSpki(rocaModulus()) })).pem), setAsActive: true });
    await device('expiring-device', { days: 41 });
    await device('roca-device', { spki: rsaSpki(rocaModulus()) });
    await device('debian-device', { spki: debianKey });
    await device('short-rsa-device', { spki: nodeSpki('rsa-1024') });
    await device('secp256k1-device', { spki: nodeSpki('secp256k1') });
    const revoked = await device('revoked-device');
    await device('under-revoked-intermediate', { issuer: intermediate });
    const shared = await device('shared-device');
    const plain = await device('plain-device');
    await registryClient(vigil.client).putCaCrl(idOf(root.pem), await crl(root, [intermediate, revoked], clock.now()));

    await registry.policies.createPolicy('too-broad', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] }));
    await registry.policies.createPolicy('deny-with-wildcards', JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/building/*` },
        { Effect: 'Allow', Action: 'iot:Receive', Resource: `${ARN}:topic/building/*` },
        { Effect: 'Deny', Action: 'iot:Subscribe', Resource: [`${ARN}:topicfilter/building/control_room/#`, `${ARN}:topicfilter/building/vault/*`] },
      ],
    }));

    const history = connectionHistoryRepository(vigil.running.stores.registry);
    const now = clock.now();
    await history.opened({ connectionId: 'c1', clientId: 'pump-a', certificateId: idOf(shared.pem), connectedAt: now - 3_600_000 });
    await history.opened({ connectionId: 'c2', clientId: 'pump-b', certificateId: idOf(shared.pem), connectedAt: now - 1_800_000 });
    await history.opened({ connectionId: 'c3', clientId: 'dup-1', certificateId: idOf(plain.pem), connectedAt: now - 7_200_000 });
    await history.closed('c3', now - 5_400_000, 'DUPLICATE_CLIENTID');
    await history.opened({ connectionId: 'c4', clientId: 'dup-1', certificateId: idOf(plain.pem), connectedAt: now - 5_400_000 });
    await history.closed('c4', now - 5_000_000, 'CLIENT_INITIATED_DISCONNECT');

    hook = await webhook();
    const topics = notifyClient(vigil.client);
    const topic = await topics.create('audit-alerts');
    await topics.subscribe('audit-alerts', { protocol: 'http', endpoint: hook.url, rawMessageDelivery: true });
    unwrap(await vigil.running.audit.engine.updateConfiguration({
      target: { targetArn: topic.arn, enabled: true },
      checks: Object.fromEntries(AUDIT_CHECKS.map((c) => [c.name, { enabled: true, ...(c.name === 'DEVICE_CERTIFICATE_AGE_CHECK' ? { configuration: { CERT_AGE_THRESHOLD_IN_DAYS: '30' } } : {}) }])),
    }));
  }, 60_000);

  afterAll(async () => {
    await hook?.close();
    await vigil?.stop();
    dir.remove();
  });

  it('one on-demand audit yields exactly the expected findings and publishes the golden notification', async () => {
    const audit = vigil.running.audit;
    const taskId = unwrap(await audit.engine.startOnDemandTask(AUDIT_CHECKS.map((c) => c.name)));
    await audit.idle();
    const page = unwrap(await audit.engine.listFindings({ taskId, limit: 250 }));
    const name = (r: Record<string, unknown>) => {
      const id = (r['deviceCertificateId'] ?? r['caCertificateId']) as string | undefined;
      if (id !== undefined) return labels.get(id) ?? id;
      const policy = r['policyVersionIdentifier'] as { policyName: string; policyVersionId: string } | undefined;
      return policy !== undefined ? `${policy.policyName}@${policy.policyVersionId}` : ((r['clientId'] ?? r['account']) as string);
    };
    const got = page.items.map((f) => [f.checkName, f.severity, f.reasonForNonComplianceCode, name(f.nonCompliantResource.resourceIdentifier as Record<string, unknown>)].join(' ')).sort();
    expect(got).toEqual([
      'CA_CERTIFICATE_EXPIRING_CHECK MEDIUM CERTIFICATE_APPROACHING_EXPIRATION expiring-ca',
      'CA_CERTIFICATE_KEY_QUALITY_CHECK CRITICAL CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361 roca-ca',
      'CONFLICTING_CLIENT_IDS_CHECK HIGH DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS dup-1',
      'DEVICE_CERTIFICATE_AGE_CHECK LOW CERTIFICATE_PAST_AGE_THRESHOLD old-device',
      'DEVICE_CERTIFICATE_EXPIRING_CHECK MEDIUM CERTIFICATE_APPROACHING_EXPIRATION expiring-device',
      'DEVICE_CERTIFICATE_KEY_QUALITY_CHECK CRITICAL CERTIFICATE_KEY_VULNERABILITY_CVE-2008-0166 debian-device',
      'DEVICE_CERTIFICATE_KEY_QUALITY_CHECK CRITICAL CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361 roca-device',
      'DEVICE_CERTIFICATE_KEY_QUALITY_CHECK CRITICAL VIGIL_RSA_KEY_TOO_SHORT short-rsa-device',
      'DEVICE_CERTIFICATE_KEY_QUALITY_CHECK CRITICAL VIGIL_UNSUPPORTED_CURVE secp256k1-device',
      'DEVICE_CERTIFICATE_SHARED_CHECK CRITICAL CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES shared-device',
      'INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK CRITICAL INTERMEDIATE_CA_REVOKED_BY_ISSUER under-revoked-intermediate',
      'IOT_POLICY_OVERLY_PERMISSIVE_CHECK CRITICAL ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS too-broad@1',
      'IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK MEDIUM POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT deny-with-wildcards@1',
      'IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK MEDIUM TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS deny-with-wildcards@1',
      'LOGGING_DISABLED_CHECK LOW LOGGING_DISABLED 000000000000',
      'REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK CRITICAL CERTIFICATE_REVOKED_BY_ISSUER revoked-intermediate',
      'REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK MEDIUM CERTIFICATE_REVOKED_BY_ISSUER revoked-device',
    ]);
    const sharedFinding = page.items.find((f) => f.checkName === 'DEVICE_CERTIFICATE_SHARED_CHECK');
    expect(sharedFinding?.relatedResources.map((r) => r.resourceIdentifier.clientId)).toEqual(['pump-b', 'pump-a']);

    for (let i = 0; i < 100 && hook.received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(hook.received).toHaveLength(1);
    const notification = JSON.parse(hook.received[0] as string) as Record<string, unknown>;
    expect(notification['taskId']).toBe(taskId);
    expect(typeof notification['taskStartTime']).toBe('number');
    const normalized = { ...notification, taskId: '<taskId>', taskStartTime: '<taskStartTime>' };
    if (process.env['VIGIL_UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, `${JSON.stringify(normalized, null, 2)}\n`);
    expect(normalized).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });
});
