import { X509Certificate, createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaCertificate, Certificate, CertificateStore, ConnectionRecord, PolicyStore } from '../../model/index.js';
import { crl, issue, nodeSpki, rocaModulus, rootCa, rsaModulusOf, rsaSpki, type Ca } from '../../../test/fixtures/audit/audit-pki.js';
import { AUDIT_CHECKS, createInventory, debianFingerprint, findCheck, hasRocaFingerprint, type CheckContext } from './index.js';

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;

function certOf(c: Ca, caId: string | undefined, extra: Partial<Certificate> = {}): Certificate {
  const node = new X509Certificate(c.pem);
  return { certificateId: createHash('sha256').update(node.raw).digest('hex'), caCertificateId: caId, status: 'ACTIVE', certificatePem: c.pem, serialNumber: node.serialNumber.toUpperCase(), subject: node.subject, issuer: node.issuer, notBefore: Date.parse(node.validFrom), notAfter: Date.parse(node.validTo), createdAt: NOW - DAY, updatedAt: NOW, customerVersion: 1, generationId: 'g', ...extra };
}

function caOf(c: Ca, extra: Partial<CaCertificate> = {}): CaCertificate {
  const cert = certOf(c, undefined);
  return { certificateId: cert.certificateId, status: 'ACTIVE', certificatePem: c.pem, autoRegistration: false, builtIn: false, notBefore: cert.notBefore, notAfter: cert.notAfter, createdAt: NOW, updatedAt: NOW, customerVersion: 1, generationId: 'g', crlPem: undefined, ...extra };
}

interface World {
  certs?: Certificate[];
  cas?: CaCertificate[];
  policies?: Array<{ name: string; document: unknown }>;
  connections?: ConnectionRecord[];
  settings?: Record<string, string>;
  weakKeys?: Set<string>;
  logging?: boolean;
  exposure?: CheckContext['exposure'];
}

async function run(checkName: string, world: World) {
  const certificates = { list: async () => ({ items: world.certs ?? [], next: undefined }), listCa: async () => ({ items: world.cas ?? [], next: undefined }) } as unknown as CertificateStore;
  const policies = {
    list: async () => ({ items: (world.policies ?? []).map((p) => ({ policyName: p.name, defaultVersionId: '1' })), next: undefined }),
    getVersion: async (name: string) => ({ policyName: name, versionId: '1', document: JSON.stringify(world.policies?.find((p) => p.name === name)?.document), createdAt: NOW }),
  } as unknown as PolicyStore;
  const context: CheckContext = {
    now: NOW,
    taskStartTime: NOW,
    taskType: 'ON_DEMAND_AUDIT_TASK',
    settings: world.settings ?? {},
    inventory: createInventory({ certificates, policies }),
    weakKeys: world.weakKeys ?? new Set(),
    accountId: '000000000000',
    region: 'local',
    windows: { shared: { from: NOW - 31 * DAY, to: NOW }, conflicting: { from: NOW - 31 * DAY, to: NOW } },
    connections: async (w) => (world.connections ?? []).filter((c) => c.connectedAt <= w.to && (c.disconnectedAt ?? Infinity) >= w.from),
    logging: async () => (world.logging === true ? { roleArn: 'r', defaultLogLevel: 'INFO', disableAllLogs: false } : undefined),
    exposure: world.exposure ?? { plainMqtt: undefined, plainHttp: [] },
  };
  const check = findCheck(checkName);
  if (check === undefined) throw new Error(checkName);
  const result = await check.run(context);
  return { total: result.totalResourcesCount, codes: result.findings.map((f) => f.reasonCode), findings: result.findings };
}

let root: Ca;
let good: Ca;
beforeAll(async () => {
  root = await rootCa('Audit Test Root', NOW);
  good = await issue(root, 'good-device', { now: NOW, days: 365 });
});

describe('ROCA fingerprint (CVE-2017-15361)', () => {
  it('flags a modulus built from RSALib-style primes and passes ordinary RSA moduli', () => {
    expect(hasRocaFingerprint(rocaModulus())).toBe(true);
    for (let i = 0; i < 5; i++) expect(hasRocaFingerprint(rsaModulusOf(nodeSpki('rsa-2048')))).toBe(false);
  });
});

describe('audit checks', () => {
  it('table holds every §6.2 check once plus the two VIGIL_ listener checks, with PUBLISH_FINDING_TO_SNS never listed (it is implicit)', () => {
    expect(AUDIT_CHECKS).toHaveLength(19);
    expect(new Set(AUDIT_CHECKS.map((c) => c.name)).size).toBe(19);
    expect(AUDIT_CHECKS.filter((c) => c.name.startsWith('VIGIL_')).map((c) => c.name)).toEqual(['VIGIL_PLAIN_MQTT_LISTENER_CHECK', 'VIGIL_PLAIN_HTTP_LISTENER_CHECK']);
    for (const c of AUDIT_CHECKS) expect(c.mitigations).not.toContain('PUBLISH_FINDING_TO_SNS');
  });

  it('DEVICE_CERTIFICATE_EXPIRING_CHECK: compliant far from expiry; approaching within the configured threshold; past expiry', async () => {
    const soon = await issue(root, 'soon', { now: NOW, days: 20 });
    expect((await run('DEVICE_CERTIFICATE_EXPIRING_CHECK', { certs: [certOf(good, undefined)] })).codes).toEqual([]);
    expect((await run('DEVICE_CERTIFICATE_EXPIRING_CHECK', { certs: [certOf(soon, undefined)] })).codes).toEqual(['CERTIFICATE_APPROACHING_EXPIRATION']);
    expect((await run('DEVICE_CERTIFICATE_EXPIRING_CHECK', { certs: [certOf(soon, undefined)], settings: { CERT_EXPIRATION_THRESHOLD_IN_DAYS: '10' } })).codes).toEqual([]);
    expect((await run('DEVICE_CERTIFICATE_EXPIRING_CHECK', { certs: [certOf(good, undefined, { notAfter: NOW - 1 })] })).codes).toEqual(['CERTIFICATE_PAST_EXPIRATION']);
    expect((await run('DEVICE_CERTIFICATE_EXPIRING_CHECK', { certs: [certOf(soon, undefined, { status: 'INACTIVE' })] })).total).toBe(0);
  });

  it('CA_CERTIFICATE_EXPIRING_CHECK: flags an active CA within 30 days of expiry only', async () => {
    const ca = await issue(root, 'short-ca', { now: NOW, days: 10, ca: true });
    expect((await run('CA_CERTIFICATE_EXPIRING_CHECK', { cas: [caOf(root)] })).codes).toEqual([]);
    const r = await run('CA_CERTIFICATE_EXPIRING_CHECK', { cas: [caOf(root), caOf(ca)] });
    expect(r.codes).toEqual(['CERTIFICATE_APPROACHING_EXPIRATION']);
    expect(r.findings[0]?.resource.additionalInfo?.['EXPIRATION_TIME']).toMatch(/^[0-9]+$/);
  });

  it('DEVICE_CERTIFICATE_AGE_CHECK: flags certificates older than the threshold', async () => {
    expect((await run('DEVICE_CERTIFICATE_AGE_CHECK', { certs: [certOf(good, undefined, { createdAt: NOW - 100 * DAY })] })).codes).toEqual([]);
    expect((await run('DEVICE_CERTIFICATE_AGE_CHECK', { certs: [certOf(good, undefined, { createdAt: NOW - 400 * DAY })] })).codes).toEqual(['CERTIFICATE_PAST_AGE_THRESHOLD']);
    expect((await run('DEVICE_CERTIFICATE_AGE_CHECK', { certs: [certOf(good, undefined, { createdAt: NOW - 100 * DAY })], settings: { CERT_AGE_THRESHOLD_IN_DAYS: '30' } })).codes).toEqual(['CERTIFICATE_PAST_AGE_THRESHOLD']);
  });

  it('DEVICE_CERTIFICATE_KEY_QUALITY_CHECK: ROCA, Debian blocklist, short RSA and unsupported curves; P-256 and RSA-2048 pass', async () => {
    const rsa = nodeSpki('rsa-2048');
    const make = async (name: string, spki: Buffer) => certOf(await issue(root, name, { now: NOW, days: 365, spki }), undefined);
    const certs = [certOf(good, undefined), await make('rsa', rsa)];
    expect((await run('DEVICE_CERTIFICATE_KEY_QUALITY_CHECK', { certs })).codes).toEqual([]);
    const bad = [await make('roca', rsaSpki(rocaModulus())), await make('short', nodeSpki('rsa-1024')), await make('k1', nodeSpki('secp256k1'))];
    expect((await run('DEVICE_CERTIFICATE_KEY_QUALITY_CHECK', { certs: bad })).codes).toEqual(['CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361', 'VIGIL_RSA_KEY_TOO_SHORT', 'VIGIL_UNSUPPORTED_CURVE']);
    const debian = await run('DEVICE_CERTIFICATE_KEY_QUALITY_CHECK', { certs, weakKeys: new Set([debianFingerprint(rsaModulusOf(rsa))]) });
    expect(debian.codes).toEqual(['CERTIFICATE_KEY_VULNERABILITY_CVE-2008-0166']);
  });

  it('CA_CERTIFICATE_KEY_QUALITY_CHECK: flags a CA certificate with a ROCA key', async () => {
    const roca = await issue(root, 'roca-ca', { now: NOW, days: 365, ca: true, spki: rsaSpki(rocaModulus()) });
    expect((await run('CA_CERTIFICATE_KEY_QUALITY_CHECK', { cas: [caOf(root)] })).codes).toEqual([]);
    expect((await run('CA_CERTIFICATE_KEY_QUALITY_CHECK', { cas: [caOf(root), caOf(roca)] })).codes).toEqual(['CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361']);
  });

  it('revocation checks: device and CA certificates on a verified CRL, and devices under a revoked intermediate', async () => {
    const intermediate = await issue(root, 'intermediate', { now: NOW, days: 365, ca: true });
    const revokedDevice = await issue(root, 'revoked-device', { now: NOW, days: 365 });
    const underIntermediate = await issue(intermediate, 'leaf', { now: NOW, days: 365 });
    const rootRow = caOf(root, { crlPem: await crl(root, [intermediate, revokedDevice], NOW) });
    const interRow = caOf(intermediate);
    const certs = [certOf(good, rootRow.certificateId), certOf(revokedDevice, rootRow.certificateId), certOf(underIntermediate, interRow.certificateId)];
    const world = { cas: [rootRow, interRow], certs };
    const device = await run('REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK', world);
    expect(device.findings.map((f) => f.resource.resourceIdentifier.deviceCertificateId)).toEqual([certs[1]?.certificateId]);
    expect((await run('REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK', world)).findings.map((f) => f.resource.resourceIdentifier.caCertificateId)).toEqual([interRow.certificateId]);
    const inter = await run('INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK', world);
    expect(inter.findings.map((f) => f.resource.resourceIdentifier.deviceCertificateId)).toEqual([certs[2]?.certificateId]);
    expect(inter.findings[0]?.related?.[0]?.resourceType).toBe('ISSUER_CERTIFICATE');
    // A CRL signed by another key is ignored; without CRLs everything is compliant.
    const other = await rootCa('Other', NOW);
    const forged = { cas: [{ ...rootRow, crlPem: await crl({ ...other, subject: root.subject }, [revokedDevice], NOW) }, interRow], certs };
    expect((await run('REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK', forged)).codes).toEqual([]);
    expect((await run('REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK', { cas: [caOf(root), interRow], certs })).codes).toEqual([]);
  });

  it('DEVICE_CERTIFICATE_SHARED_CHECK: overlapping connections of two client ids with one certificate, newest first; sequential use passes', async () => {
    const seq = [{ clientId: 'a', certificateId: 'c1', connectedAt: NOW - 5000, disconnectedAt: NOW - 4000 }, { clientId: 'b', certificateId: 'c1', connectedAt: NOW - 3000, disconnectedAt: NOW - 2000 }];
    expect((await run('DEVICE_CERTIFICATE_SHARED_CHECK', { connections: seq })).codes).toEqual([]);
    const r = await run('DEVICE_CERTIFICATE_SHARED_CHECK', { connections: [{ clientId: 'a', certificateId: 'c1', connectedAt: NOW - 5000 }, { clientId: 'b', certificateId: 'c1', connectedAt: NOW - 3000 }, { clientId: 'c', certificateId: 'c2', connectedAt: NOW - 3000 }] });
    expect(r.total).toBe(2);
    expect(r.findings.map((f) => [f.resource.resourceIdentifier.deviceCertificateId, f.related?.map((x) => x.resourceIdentifier.clientId)])).toEqual([['c1', ['b', 'a']]]);
  });

  it('CONFLICTING_CLIENT_IDS_CHECK: a client id whose connection was taken over; distinct ids pass', async () => {
    expect((await run('CONFLICTING_CLIENT_IDS_CHECK', { connections: [{ clientId: 'a', certificateId: 'c1', connectedAt: NOW - 5000, disconnectedAt: NOW - 4000, disconnectReason: 'CLIENT_INITIATED_DISCONNECT' }, { clientId: 'a', certificateId: 'c1', connectedAt: NOW - 3000 }] })).codes).toEqual([]);
    const r = await run('CONFLICTING_CLIENT_IDS_CHECK', { connections: [{ clientId: 'a', certificateId: 'c1', connectedAt: NOW - 5000, disconnectedAt: NOW - 3000, disconnectReason: 'DUPLICATE_CLIENTID' }, { clientId: 'a', certificateId: 'c2', connectedAt: NOW - 3000 }] });
    expect(r.findings.map((f) => f.resource)).toEqual([{ resourceType: 'CLIENT_ID', resourceIdentifier: { clientId: 'a' } }]);
  });

  it('IOT_POLICY_OVERLY_PERMISSIVE_CHECK: wildcards over other devices are flagged; thing-scoped policies pass (§6.3 table)', async () => {
    const arn = 'arn:aws:iot:local:000000000000';
    const policy = (statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });
    const compliant = [
      policy([{ Effect: 'Allow', Action: 'iot:Connect', Resource: `${arn}:client/\${iot:Connection.Thing.ThingName}` }, { Effect: 'Allow', Action: 'iot:Publish', Resource: `${arn}:topic/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/*` }, { Effect: 'Allow', Action: 'iot:Receive', Resource: `${arn}:topic/$aws/things/*` }]),
      policy([{ Effect: 'Allow', Action: 'iot:Connect', Resource: `${arn}:client/\${iot:ClientId}`, Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } }]),
      policy([{ Effect: 'Allow', Action: 'iot:GetThingShadow', Resource: [`${arn}:thing/MyThing1`, `${arn}:thing/MyThing2`] }]),
    ];
    const broad = [
      policy([{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }]),
      policy([{ Effect: 'Allow', Action: 'iot:Connect', Resource: `${arn}:client/*` }]),
      policy([{ Effect: 'Allow', Action: 'iot:Connect', Resource: `${arn}:client/\${iot:ClientId}` }]),
      policy([{ Effect: 'Allow', Action: 'iot:Publish', Resource: `${arn}:topic/$aws/things/*` }]),
      policy([{ Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${arn}:topicfilter/$aws/things/+/shadow/update` }]),
      policy([{ Effect: 'Allow', Action: 'iot:UpdateThingShadow', Resource: `${arn}:thing/*` }]),
    ];
    const ok = await run('IOT_POLICY_OVERLY_PERMISSIVE_CHECK', { policies: compliant.map((d, i) => ({ name: `ok${i}`, document: d })) });
    expect(ok).toMatchObject({ total: 3, codes: [] });
    const bad = await run('IOT_POLICY_OVERLY_PERMISSIVE_CHECK', { policies: broad.map((d, i) => ({ name: `bad${i}`, document: d })) });
    expect(bad.findings.map((f) => f.resource.resourceIdentifier.policyVersionIdentifier?.policyName)).toEqual(['bad0', 'bad1', 'bad2', 'bad3', 'bad4', 'bad5']);
  });

  it('IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK: MQTT wildcards in Deny, and a Deny bypassed by a broader allowed filter', async () => {
    const arn = 'arn:aws:iot:local:000000000000';
    const allow = [{ Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${arn}:topicfilter/building/*` }, { Effect: 'Allow', Action: 'iot:Receive', Resource: `${arn}:topic/building/*` }];
    const literal = { Version: '2012-10-17', Statement: [...allow, { Effect: 'Deny', Action: 'iot:Subscribe', Resource: `${arn}:topicfilter/building/control_room/#` }] };
    const bypass = { Version: '2012-10-17', Statement: [...allow, { Effect: 'Deny', Action: 'iot:Subscribe', Resource: `${arn}:topicfilter/building/control_room/*` }] };
    const fine = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${arn}:topicfilter/building/lobby/*` }, { Effect: 'Deny', Action: 'iot:Subscribe', Resource: `${arn}:topicfilter/building/lobby/secret/*` }] };
    expect((await run('IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK', { policies: [{ name: 'fine', document: fine }] })).codes).toEqual([]);
    expect((await run('IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK', { policies: [{ name: 'literal', document: literal }] })).codes).toEqual(['POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT']);
    expect((await run('IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK', { policies: [{ name: 'bypass', document: bypass }] })).codes).toEqual(['TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS']);
  });

  it('LOGGING_DISABLED_CHECK: flags the account until logging is on', async () => {
    expect((await run('LOGGING_DISABLED_CHECK', {})).findings.map((f) => f.resource)).toEqual([{ resourceType: 'ACCOUNT_SETTINGS', resourceIdentifier: { account: '000000000000' } }]);
    expect((await run('LOGGING_DISABLED_CHECK', { logging: true })).codes).toEqual([]);
  });

  it('VIGIL_PLAIN_MQTT_LISTENER_CHECK: flags the account while mqtt.plain_listen is set, naming the address', async () => {
    expect((await run('VIGIL_PLAIN_MQTT_LISTENER_CHECK', {})).codes).toEqual([]);
    const flagged = await run('VIGIL_PLAIN_MQTT_LISTENER_CHECK', { exposure: { plainMqtt: '0.0.0.0:1883', plainHttp: [] } });
    expect(flagged.codes).toEqual(['PLAIN_MQTT_LISTENER_ENABLED']);
    expect(flagged.findings[0]?.reason).toContain('0.0.0.0:1883');
    expect(flagged.findings[0]?.resource).toEqual({ resourceType: 'ACCOUNT_SETTINGS', resourceIdentifier: { account: '000000000000' } });
  });

  it('VIGIL_PLAIN_HTTP_LISTENER_CHECK: flags plain HTTP off loopback, naming each listener', async () => {
    expect((await run('VIGIL_PLAIN_HTTP_LISTENER_CHECK', {})).codes).toEqual([]);
    const flagged = await run('VIGIL_PLAIN_HTTP_LISTENER_CHECK', { exposure: { plainMqtt: undefined, plainHttp: [{ name: 'api', address: '0.0.0.0:8080' }, { name: 'hec', address: '10.0.0.5:8088' }] } });
    expect(flagged.codes).toEqual(['PLAIN_HTTP_ON_NON_LOOPBACK_ADDRESS']);
    expect(flagged.findings[0]?.reason).toContain('api on 0.0.0.0:8080, hec on 10.0.0.5:8088');
  });

  it('Cognito and role-alias checks are in the table and unavailable with a reason', () => {
    for (const name of ['UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK', 'AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK', 'IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK', 'IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK']) {
      expect(findCheck(name)?.unavailable).toMatch(/Vigil has no/);
    }
  });
});
