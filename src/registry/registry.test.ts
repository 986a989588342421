import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../core/index.js';
import type { RegistryChange } from '../model/index.js';
import { migrateRegistry, openSqliteRegistry, type RegistryDb, registryRepositories } from '../store/index.js';
import { Telemetry, createLogger } from '../telemetry/index.js';
import { tempDir } from '../../test/support/temp.js';
import { createRegistry, type Registry } from './registry.js';
import { registryConfigSchema } from './config.js';
import { Value } from 'typebox/value';

const ARN = 'arn:aws:iot:local:000000000000';
const doc = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

let dir: { path: string; remove(): void };
let db: RegistryDb;
let registry: Registry;

async function open(config: Record<string, unknown> = {}): Promise<Registry> {
  return createRegistry({
    stores: registryRepositories(db),
    config: Value.Default(registryConfigSchema, structuredClone(config)) as never,
    secretsDir: dir.path,
    clock: systemClock,
    telemetry: new Telemetry(createLogger({ level: 'silent', format: 'json' })),
    region: 'local',
    accountId: '000000000000',
  });
}

beforeEach(async () => {
  dir = tempDir('vigil-registry-');
  db = openSqliteRegistry(join(dir.path, 'registry.sqlite'));
  const migrated = await migrateRegistry(db);
  if (!migrated.ok) throw migrated.error;
  registry = await open();
});
afterEach(async () => {
  await db.close();
  dir.remove();
});

async function device(thingName: string): Promise<string> {
  await registry.things.createThing({ thingName });
  const { certificate } = await registry.certificates.createKeysAndCertificate(true, thingName);
  await registry.certificates.attachThingPrincipal(thingName, registry.arns.cert(certificate.certificateId), undefined);
  return certificate.certificateId;
}

describe('registry authorizer', () => {
  it("combines the certificate's policies with those of the thing's groups and their ancestor groups", async () => {
    const certificateId = await device('pump-1');
    await registry.policies.createPolicy('connect', doc({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` }));
    await registry.policies.attachPolicy('connect', registry.arns.cert(certificateId));
    await registry.things.createGroup({ groupName: 'plant' });
    await registry.things.createGroup({ groupName: 'line', parentGroupName: 'plant' });
    await registry.things.addThingToGroup('line', 'pump-1');
    await registry.policies.createPolicy('plant-publish', doc({ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/plant/*` }));
    await registry.policies.attachPolicy('plant-publish', registry.arns.thingGroup('plant'));
    await registry.policies.createPolicy('line-deny', doc({ Effect: 'Deny', Action: 'iot:Publish', Resource: `${ARN}:topic/plant/secret` }));
    await registry.policies.attachPolicy('line-deny', registry.arns.thingGroup('line'));

    const connection = await registry.deviceAuth.openConnection({ certificateId, clientId: 'pump-1' });
    expect(connection.thingName).toBe('pump-1');
    expect(await connection.canConnect()).toBe(true);
    expect(await connection.canPublish('plant/a/b')).toBe(true);
    expect(await connection.canPublish('plant/secret')).toBe(false);
    expect(await connection.canPublish('other')).toBe(false);
    // Group policies reach only the bound thing: a client id that is not an attached thing gets the certificate's policies alone.
    const unbound = await registry.deviceAuth.openConnection({ certificateId, clientId: 'someone-else' });
    expect(unbound.thingName).toBeUndefined();
    expect(await unbound.canPublish('plant/a')).toBe(false);
  });

  it('caches decisions per connection and drops the cache on policy, attachment and membership changes', async () => {
    const certificateId = await device('pump-2');
    await registry.things.createGroup({ groupName: 'g' });
    await registry.things.addThingToGroup('g', 'pump-2');
    await registry.policies.createPolicy('p', doc({ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/a` }));
    await registry.policies.attachPolicy('p', registry.arns.thingGroup('g'));
    const connection = await registry.deviceAuth.openConnection({ certificateId, clientId: 'pump-2' });

    expect(await connection.canPublish('a')).toBe(true);
    const evaluated = registry.deviceAuth.evaluations();
    expect(await connection.canPublish('a')).toBe(true);
    expect(registry.deviceAuth.evaluations()).toBe(evaluated); // served from the cache

    await registry.policies.createPolicyVersion('p', doc({ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/b` }), true);
    expect(await connection.canPublish('a')).toBe(false);
    expect(await connection.canPublish('b')).toBe(true);

    await registry.things.removeThingFromGroup('g', 'pump-2');
    expect(await connection.canPublish('b')).toBe(false);
    await registry.things.addThingToGroup('g', 'pump-2');
    expect(await connection.canPublish('b')).toBe(true);

    await registry.policies.detachPolicy('p', registry.arns.thingGroup('g'));
    expect(await connection.canPublish('b')).toBe(false);
    await registry.policies.attachPolicy('p', registry.arns.thingGroup('g'));
    await registry.policies.setDefaultPolicyVersion('p', '1');
    expect(await connection.canPublish('a')).toBe(true);
  });

  it('publishes changes synchronously and refuses everything once the certificate or its CA is not ACTIVE', async () => {
    const certificateId = await device('pump-3');
    await registry.policies.attachPolicy('vigil-device-defender', registry.arns.cert(certificateId));
    const changes: RegistryChange[] = [];
    const unsubscribe = registry.events.subscribe((change) => changes.push(change));
    const connection = await registry.deviceAuth.openConnection({ certificateId, clientId: 'pump-3' });
    expect(await connection.canConnect()).toBe(true);

    await registry.certificates.updateCaCertificate(registry.ca.caCertificateId, { newStatus: 'INACTIVE' });
    expect(changes.at(-1)).toEqual({ kind: 'ca_status', caCertificateId: registry.ca.caCertificateId, status: 'INACTIVE' });
    expect(await connection.canConnect()).toBe(false);
    expect((await registry.deviceAuth.authenticate(certificateId))?.caStatus).toBe('INACTIVE');
    await registry.certificates.updateCaCertificate(registry.ca.caCertificateId, { newStatus: 'ACTIVE' });
    expect(await connection.canConnect()).toBe(true);

    await registry.certificates.updateCertificate(certificateId, 'INACTIVE');
    expect(changes.at(-1)).toEqual({ kind: 'certificate_status', certificateId, status: 'INACTIVE' });
    expect(await connection.canConnect()).toBe(false);
    unsubscribe();
    await registry.certificates.updateCertificate(certificateId, 'REVOKED');
    expect(changes.at(-1)).toEqual({ kind: 'certificate_status', certificateId, status: 'INACTIVE' });
    await expect(registry.certificates.updateCertificate(certificateId, 'ACTIVE')).rejects.toMatchObject({ code: 'certificate.state_conflict' });
  });

  it('authenticates by DER or id, and knows nothing of an unregistered certificate', async () => {
    const certificateId = await device('pump-4');
    const certificate = await registry.certificates.requireCertificate(certificateId);
    const der = new X509Certificate(certificate.certificatePem).raw;
    expect(await registry.deviceAuth.authenticate(der)).toEqual({ certificateId, status: 'ACTIVE', caCertificateId: registry.ca.caCertificateId, caStatus: 'ACTIVE', thingNames: ['pump-4'] });
    expect(await registry.deviceAuth.authenticate('0'.repeat(64))).toBeUndefined();
  });
});

describe('built-in CA and broker certificate', () => {
  it('creates the CA and a server certificate with the default and configured SANs, keeps them across restarts and re-issues on a new SAN', async () => {
    const server = new X509Certificate(registry.server.certificatePem);
    const ca = new X509Certificate(registry.server.caPem);
    expect(ca.ca).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toContain('DNS:localhost');
    expect(server.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(server.subjectAltName).toContain('IP Address:0:0:0:0:0:0:0:1');
    expect(readFileSync(join(dir.path, 'server.pem'), 'utf8').trim()).toBe(registry.server.certificatePem.trim());

    const again = await open();
    expect(again.server.caPem).toBe(registry.server.caPem);
    expect(again.server.certificatePem.trim()).toBe(registry.server.certificatePem.trim());
    expect(await again.server.trustedCaPems()).toEqual([registry.server.caPem]);

    const renamed = await open({ server_cert_sans: ['iot.example.test'] });
    expect(new X509Certificate(renamed.server.certificatePem).subjectAltName).toContain('DNS:iot.example.test');
    expect(renamed.server.caPem).toBe(registry.server.caPem);
  });

  it('creates the built-in device policy once (reference-pipeline §1)', async () => {
    const { policy, version } = await registry.policies.getPolicy('vigil-device-defender');
    expect(policy.defaultVersionId).toBe('1');
    expect(JSON.parse(version.document).Statement).toHaveLength(4);
    await open();
    expect((await registry.policies.listPolicyVersions('vigil-device-defender')).versions).toHaveLength(1);
  });

  it('signs CSRs and refuses a CSR whose signature does not verify', async () => {
    const { createKeyAndCsr } = await import('./ca/csr.js');
    const { csrPem } = await createKeyAndCsr('sensor-9');
    const certificate = await registry.certificates.createCertificateFromCsr(csrPem, false);
    expect(certificate.status).toBe('INACTIVE');
    expect(certificate.subject).toBe('CN=sensor-9');
    const body = csrPem.split('\n').filter((l) => !l.startsWith('-----')).join('');
    const tampered = Buffer.from(body, 'base64');
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] as number) ^ 0xff;
    const broken = `-----BEGIN CERTIFICATE REQUEST-----\n${tampered.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await expect(registry.certificates.createCertificateFromCsr(broken, true)).rejects.toMatchObject({ code: 'certificate.invalid_csr' });
  });
});

describe('policy versions', () => {
  it('replaceDefaultVersion makes the document the default, first deleting the oldest non-default version of a full policy', async () => {
    const allow = (n: number) => doc({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/c${n}` });
    await registry.policies.createPolicy('full', allow(1));
    for (let n = 2; n <= 5; n++) await registry.policies.createPolicyVersion('full', allow(n), false);
    const before = (await registry.policies.listPolicyVersions('full')).versions.map((v) => v.versionId).sort((a, b) => Number(a) - Number(b));
    expect(before).toEqual(['1', '2', '3', '4', '5']);
    const blank = doc({ Effect: 'Deny', Action: 'iot:*', Resource: '*' });
    const replaced = await registry.policies.replaceDefaultVersion('full', blank);
    const { policy, versions } = await registry.policies.listPolicyVersions('full');
    // Version 1 is the default and stays; version 2 is the oldest non-default one.
    expect(versions.map((v) => v.versionId).sort((a, b) => Number(a) - Number(b))).toEqual(['1', '3', '4', '5', '6']);
    expect(policy.defaultVersionId).toBe(replaced.version.versionId);
    expect(replaced.version.document).toBe(blank);
  });
});
