import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AddThingToThingGroupCommand,
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateThingCommand,
  CreateThingGroupCommand,
  DeleteCertificateCommand,
  DeletePolicyCommand,
  DescribeCertificateCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  IoTClient,
  ListAttachedPoliciesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListThingGroupsForThingCommand,
  ListThingPrincipalsCommand,
  ListThingsCommand,
  ListThingsInThingGroupCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateCertificateCommand,
  UpdateThingCommand,
  DeleteConflictException,
  DescribeCACertificateCommand,
  InvalidRequestException,
  ListCACertificatesCommand,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
} from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.js';
import { iotClientFor } from '../support/aws-sdk.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

let vigil: TestVigil;
let iot: IoTClient;
const ARN = 'arn:aws:iot:local:000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
  vigil = await startTestVigil();
  iot = await iotClientFor(vigil, 'registry sdk test');
});
afterAll(async () => {
  iot.destroy();
  await vigil.stop();
});

/** The error a call fails with (and a test failure when it succeeds). */
const failure = (call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode: number } }> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: Error & { $metadata: { httpStatusCode: number } }) => error,
  );

const strip = <T extends { $metadata?: unknown }>(output: T): Omit<T, '$metadata'> => {
  const { $metadata: _metadata, ...rest } = output;
  return rest;
};

describe('AWS IoT registry through @aws-sdk/client-iot signed with a Vigil access key', () => {
  it('runs the flow CreateThing → … → UpdateCertificate(INACTIVE) → DescribeCertificate with every response field', async () => {
    const created = await iot.send(new CreateThingCommand({ thingName: 'pump-1', thingTypeName: 'pump', attributePayload: { attributes: { site: 'north' } } }));
    expect(strip(created)).toEqual({ thingName: 'pump-1', thingArn: `${ARN}:thing/pump-1`, thingId: expect.stringMatching(UUID) });

    const group = await iot.send(new CreateThingGroupCommand({ thingGroupName: 'plant-a', thingGroupProperties: { thingGroupDescription: 'Plant A' } }));
    expect(strip(group)).toEqual({ thingGroupName: 'plant-a', thingGroupArn: `${ARN}:thinggroup/plant-a`, thingGroupId: expect.stringMatching(UUID) });

    expect(strip(await iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'plant-a', thingName: 'pump-1' })))).toEqual({});

    const keys = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    const der = new X509Certificate(keys.certificatePem as string).raw;
    const certificateId = createHash('sha256').update(der).digest('hex');
    expect(strip(keys)).toEqual({
      certificateArn: `${ARN}:cert/${certificateId}`,
      certificateId,
      certificatePem: expect.stringMatching(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n?$/),
      keyPair: { PublicKey: expect.stringContaining('-----BEGIN PUBLIC KEY-----'), PrivateKey: expect.stringContaining('-----BEGIN PRIVATE KEY-----') },
    });
    // The key pair belongs to the certificate.
    const publicFromPrivate = createPublicKey(createPrivateKey(keys.keyPair?.PrivateKey as string)).export({ type: 'spki', format: 'pem' });
    expect(publicFromPrivate).toBe(new X509Certificate(keys.certificatePem as string).publicKey.export({ type: 'spki', format: 'pem' }));

    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` }] });
    const policy = await iot.send(new CreatePolicyCommand({ policyName: 'pump-policy', policyDocument: document }));
    expect(strip(policy)).toEqual({ policyName: 'pump-policy', policyArn: `${ARN}:policy/pump-policy`, policyDocument: document, policyVersionId: '1' });

    expect(strip(await iot.send(new AttachPolicyCommand({ policyName: 'pump-policy', target: keys.certificateArn })))).toEqual({});
    expect(strip(await iot.send(new AttachThingPrincipalCommand({ thingName: 'pump-1', principal: keys.certificateArn })))).toEqual({});

    const principals = await iot.send(new ListThingPrincipalsCommand({ thingName: 'pump-1' }));
    expect(strip(principals)).toEqual({ principals: [keys.certificateArn] });

    expect(strip(await iot.send(new UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' })))).toEqual({});

    const described = await iot.send(new DescribeCertificateCommand({ certificateId }));
    const cert = new X509Certificate(keys.certificatePem as string);
    const description = described.certificateDescription;
    expect(description).toEqual({
      certificateArn: `${ARN}:cert/${certificateId}`,
      certificateId,
      caCertificateId: expect.stringMatching(/^[0-9a-f]{64}$/),
      status: 'INACTIVE',
      certificatePem: keys.certificatePem,
      ownedBy: '000000000000',
      creationDate: expect.any(Date),
      lastModifiedDate: expect.any(Date),
      customerVersion: 2,
      transferData: {},
      generationId: expect.stringMatching(UUID),
      validity: { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) },
      certificateMode: 'DEFAULT',
    });
    expect((description?.lastModifiedDate as Date).getTime()).toBeGreaterThanOrEqual((description?.creationDate as Date).getTime());
    // The issuing CA is the built-in CA, whose PEM the server hands out.
    const ca = await vigil.client.request<{ caCertificateId: string; caCertificatePem: string }>('GET', '/api/v1/registry/ca');
    expect(description?.caCertificateId).toBe(ca.caCertificateId);
    expect(cert.checkIssued(new X509Certificate(ca.caCertificatePem))).toBe(true);
  });

  it('describes things and groups, lists them with pagination, and merges attributes on update', async () => {
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'line-1', parentGroupName: 'plant-a' }));
    for (const name of ['valve-1', 'valve-2', 'valve-3']) await iot.send(new CreateThingCommand({ thingName: name }));
    await iot.send(new AddThingToThingGroupCommand({ thingGroupArn: `${ARN}:thinggroup/line-1`, thingArn: `${ARN}:thing/valve-1` }));

    const thing = await iot.send(new DescribeThingCommand({ thingName: 'pump-1' }));
    expect(strip(thing)).toEqual({ defaultClientId: 'pump-1', thingName: 'pump-1', thingId: expect.stringMatching(UUID), thingArn: `${ARN}:thing/pump-1`, thingTypeName: 'pump', attributes: { site: 'north' }, version: 1 });
    await iot.send(new UpdateThingCommand({ thingName: 'pump-1', attributePayload: { attributes: { floor: '2', site: '' }, merge: true }, expectedVersion: 1 }));
    expect((await iot.send(new DescribeThingCommand({ thingName: 'pump-1' }))).attributes).toEqual({ floor: '2' });

    const line = await iot.send(new DescribeThingGroupCommand({ thingGroupName: 'line-1' }));
    expect(strip(line)).toEqual({
      thingGroupName: 'line-1',
      thingGroupId: expect.stringMatching(UUID),
      thingGroupArn: `${ARN}:thinggroup/line-1`,
      version: 1,
      thingGroupProperties: { attributePayload: { attributes: {} } },
      thingGroupMetadata: { parentGroupName: 'plant-a', rootToParentThingGroups: [{ groupName: 'plant-a', groupArn: `${ARN}:thinggroup/plant-a` }], creationDate: expect.any(Date) },
    });

    const first = await iot.send(new ListThingsCommand({ maxResults: 2 }));
    expect(first.things?.map((t) => t.thingName)).toEqual(['pump-1', 'valve-1']);
    expect(first.things?.[0]).toEqual({ thingName: 'pump-1', thingTypeName: 'pump', thingArn: `${ARN}:thing/pump-1`, attributes: { floor: '2' }, version: 2 });
    const second = await iot.send(new ListThingsCommand({ maxResults: 2, nextToken: first.nextToken }));
    expect(second.things?.map((t) => t.thingName)).toEqual(['valve-2', 'valve-3']);
    expect(second.nextToken).toBeUndefined();

    expect((await iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'plant-a' }))).things).toEqual(['pump-1']);
    expect((await iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'plant-a', recursive: true }))).things).toEqual(['pump-1', 'valve-1']);
    expect((await iot.send(new ListThingGroupsForThingCommand({ thingName: 'valve-1' }))).thingGroups).toEqual([{ groupName: 'line-1', groupArn: `${ARN}:thinggroup/line-1` }]);
  });

  it('answers AWS error types the SDK maps to its exception classes', async () => {
    await expect(iot.send(new DescribeThingCommand({ thingName: 'nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(iot.send(new CreatePolicyCommand({ policyName: 'pump-policy', policyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}' }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    await expect(iot.send(new DeletePolicyCommand({ policyName: 'pump-policy' }))).rejects.toBeInstanceOf(DeleteConflictException);
    const malformed = await failure(iot.send(new CreatePolicyCommand({ policyName: 'bad', policyDocument: '{"Statement":[]}' })));
    expect(malformed.name).toBe('MalformedPolicyException');
    expect(malformed.$metadata.httpStatusCode).toBe(400);
  });

  it('keeps at most 5 policy versions and lists them newest first', async () => {
    const doc = (n: number) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/v${n}` }] });
    await iot.send(new CreatePolicyCommand({ policyName: 'versioned', policyDocument: doc(1) }));
    for (let n = 2; n <= 5; n++) {
      const version = await iot.send(new CreatePolicyVersionCommand({ policyName: 'versioned', policyDocument: doc(n), setAsDefault: n === 5 }));
      expect(strip(version)).toEqual({ policyArn: `${ARN}:policy/versioned`, policyDocument: doc(n), policyVersionId: String(n), isDefaultVersion: n === 5 });
    }
    const sixth = await failure(iot.send(new CreatePolicyVersionCommand({ policyName: 'versioned', policyDocument: doc(6) })));
    expect(sixth.name).toBe('VersionsLimitExceededException');
    const versions = await iot.send(new ListPolicyVersionsCommand({ policyName: 'versioned' }));
    expect(versions.policyVersions?.map((v) => [v.versionId, v.isDefaultVersion])).toEqual([['5', true], ['4', false], ['3', false], ['2', false], ['1', false]]);
    expect(versions.policyVersions?.[0]?.createDate).toBeInstanceOf(Date);
    const listed = await iot.send(new ListPoliciesCommand({ pageSize: 1 }));
    expect(listed.policies).toHaveLength(1);
    expect(listed.nextMarker).toBeDefined();
  });

  it('lists the policies attached to a certificate and refuses to delete an ACTIVE certificate', async () => {
    const keys = await iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    await iot.send(new AttachPolicyCommand({ policyName: 'pump-policy', target: keys.certificateArn }));
    expect((await iot.send(new ListAttachedPoliciesCommand({ target: keys.certificateArn }))).policies).toEqual([{ policyName: 'pump-policy', policyArn: `${ARN}:policy/pump-policy` }]);
    const active = await failure(iot.send(new DeleteCertificateCommand({ certificateId: keys.certificateId })));
    expect(active.name).toBe('CertificateStateException');
    await iot.send(new UpdateCertificateCommand({ certificateId: keys.certificateId, newStatus: 'REVOKED' }));
    await expect(iot.send(new DeleteCertificateCommand({ certificateId: keys.certificateId }))).rejects.toBeInstanceOf(DeleteConflictException);
    await iot.send(new DeleteCertificateCommand({ certificateId: keys.certificateId, forceDelete: true }));
    await expect(iot.send(new DescribeCertificateCommand({ certificateId: keys.certificateId }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('registers an external CA and a device certificate it issued, and refuses one it did not issue', async () => {
    const dir = tempDir('vigil-external-ca-');
    try {
      const sh = (...args: string[]) => execFileSync('openssl', args, { cwd: dir.path, stdio: 'ignore' });
      sh('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Factory CA', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
      sh('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'device.key', '-out', 'device.csr', '-subj', '/CN=sensor-1');
      sh('x509', '-req', '-in', 'device.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'device.pem', '-days', '10');
      const caPem = readFileSync(join(dir.path, 'ca.pem'), 'utf8');
      const devicePem = readFileSync(join(dir.path, 'device.pem'), 'utf8');

      const ca = await iot.send(new RegisterCACertificateCommand({ caCertificate: caPem, setAsActive: true }));
      const caId = createHash('sha256').update(new X509Certificate(caPem).raw).digest('hex');
      expect(strip(ca)).toEqual({ certificateArn: `${ARN}:cacert/${caId}`, certificateId: caId });
      const described = await iot.send(new DescribeCACertificateCommand({ certificateId: caId }));
      expect(described.certificateDescription).toMatchObject({ certificateId: caId, status: 'ACTIVE', autoRegistrationStatus: 'DISABLE', ownedBy: '000000000000', customerVersion: 1 });
      expect((await iot.send(new ListCACertificatesCommand({}))).certificates?.map((c) => c.certificateId)).toContain(caId);

      const device = await iot.send(new RegisterCertificateCommand({ certificatePem: devicePem, caCertificatePem: caPem, setAsActive: true }));
      const described2 = await iot.send(new DescribeCertificateCommand({ certificateId: device.certificateId }));
      expect(described2.certificateDescription).toMatchObject({ status: 'ACTIVE', caCertificateId: caId });
      await expect(iot.send(new RegisterCertificateCommand({ certificatePem: devicePem }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);

      const builtIn = await vigil.client.request<{ caCertificatePem: string }>('GET', '/api/v1/registry/ca');
      const wrongIssuer = await failure(iot.send(new RegisterCertificateCommand({ certificatePem: devicePem, caCertificatePem: builtIn.caCertificatePem })));
      expect(wrongIssuer.name).toBe('CertificateValidationException');
    } finally {
      dir.remove();
    }
  });

  it('refuses a page token it did not issue and a page size out of range with InvalidRequestException', async () => {
    await expect(iot.send(new ListThingsCommand({ nextToken: 'garbage' }))).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(iot.send(new ListThingsCommand({ maxResults: 251 }))).rejects.toBeInstanceOf(InvalidRequestException);
  });
});
