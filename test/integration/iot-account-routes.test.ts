import { CreateThingCommand, CreateThingTypeCommand, DeprecateThingTypeCommand, DescribeThingCommand, DescribeThingTypeCommand, ListThingTypesCommand, CreateThingGroupCommand, DeleteCACertificateCommand, DescribeCACertificateCommand, DescribeEndpointCommand, DescribeThingGroupCommand, RegisterCertificateCommand, UpdateCACertificateCommand, UpdateThingGroupCommand, DeleteCertificateCommand, UpdateCertificateCommand, GetRegistrationCodeCommand, IoTClient, RegisterCACertificateCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { createTestPki } from '../support/test-pki.js';
import { iotClientFor } from '../support/aws-sdk.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

let vigil: TestVigil;
let iot: IoTClient;
let cli: ReturnType<typeof cliFor>;
const home = tempDir('vigil-iot-account-');

beforeAll(async () => {
  vigil = await startTestVigil({ registry: { server_cert_sans: [] } });
  iot = await iotClientFor(vigil, 'iot account routes');
  cli = cliFor(vigil, { HOME: home.path });
});
afterAll(async () => {
  iot.destroy();
  await vigil.stop();
  home.remove();
});

describe('DescribeEndpoint', () => {
  it('answers the MQTT listener devices connect to, for iot:Data-ATS and the other endpoint types', async () => {
    // The test broker listens on 127.0.0.1:<ephemeral>: not 8883, so the port is part of the address.
    const mqtt = new URL(vigil.running.endpoints['mqtt'] as string);
    const expected = `127.0.0.1:${mqtt.port}`;
    for (const endpointType of ['iot:Data-ATS', 'iot:Data', 'iot:CredentialProvider', 'iot:Jobs']) {
      expect((await iot.send(new DescribeEndpointCommand({ endpointType }))).endpointAddress).toBe(expected);
    }
    expect((await iot.send(new DescribeEndpointCommand({}))).endpointAddress).toBe(expected);
    expect((await cli('cert', 'endpoint')).out).toBe(`${expected}\n`);
    await expect(iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Nope' }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });
});

describe('CA registration with proof of possession (GetRegistrationCode + verificationCertificate)', () => {
  it('registers a CA whose verification certificate has CN = the registration code and is signed by the CA key', async () => {
    const code = (await iot.send(new GetRegistrationCodeCommand({}))).registrationCode as string;
    expect(code).toMatch(/^[0-9a-f]{64}$/);
    expect((await iot.send(new GetRegistrationCodeCommand({}))).registrationCode).toBe(code);
    expect((await cli('cert', 'registration-code')).out).toBe(`${code}\n`);

    const customer = await createTestPki('Customer Fleet CA');
    const verification = await customer.issueClient(code);
    const registered = await iot.send(new RegisterCACertificateCommand({ caCertificate: customer.caCertPem, verificationCertificate: verification.certPem, setAsActive: true }));
    const described = await iot.send(new DescribeCACertificateCommand({ certificateId: registered.certificateId }));
    expect(described.certificateDescription?.status).toBe('ACTIVE');
  });

  it('refuses a verification certificate with another CN (RegistrationCodeValidationException) or signed by another key (CertificateValidationException)', async () => {
    const code = (await iot.send(new GetRegistrationCodeCommand({}))).registrationCode as string;
    const customer = await createTestPki('Another Customer CA');
    const wrongCn = await customer.issueClient('not-the-code');
    await expect(iot.send(new RegisterCACertificateCommand({ caCertificate: customer.caCertPem, verificationCertificate: wrongCn.certPem }))).rejects.toMatchObject({ name: 'RegistrationCodeValidationException', $metadata: { httpStatusCode: 400 } });
    const impostor = await (await createTestPki('Impostor CA')).issueClient(code);
    const error = await iot.send(new RegisterCACertificateCommand({ caCertificate: customer.caCertPem, verificationCertificate: impostor.certPem })).catch((e: unknown) => e as { name: string; message: string });
    expect(error).toMatchObject({ name: 'CertificateValidationException' });
    expect((error as { message: string }).message).toContain('not signed by the CA being registered');
  });
});

describe('UpdateThingGroup and DeleteCACertificate', () => {
  it('UpdateThingGroup changes description and merges attributes, checking expectedVersion', async () => {
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'north', thingGroupProperties: { thingGroupDescription: 'old', attributePayload: { attributes: { site: 'n', line: '1' } } } }));
    const updated = await iot.send(new UpdateThingGroupCommand({ thingGroupName: 'north', thingGroupProperties: { thingGroupDescription: 'North plant', attributePayload: { attributes: { line: '2', floor: '3' }, merge: true } }, expectedVersion: 1 }));
    expect(updated.version).toBe(2);
    const described = await iot.send(new DescribeThingGroupCommand({ thingGroupName: 'north' }));
    expect(described.thingGroupProperties).toEqual({ thingGroupDescription: 'North plant', attributePayload: { attributes: { site: 'n', line: '2', floor: '3' } } });
    expect(described.version).toBe(2);
    await expect(iot.send(new UpdateThingGroupCommand({ thingGroupName: 'north', thingGroupProperties: { thingGroupDescription: 'x' }, expectedVersion: 1 }))).rejects.toMatchObject({ name: 'VersionConflictException' });
    await expect(iot.send(new UpdateThingGroupCommand({ thingGroupName: 'nowhere', thingGroupProperties: {} }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('DeleteCACertificate deletes an INACTIVE CA with no certificates, and refuses an ACTIVE one or one still in use (CertificateStateException)', async () => {
    const code = (await iot.send(new GetRegistrationCodeCommand({}))).registrationCode as string;
    const customer = await createTestPki('Retired CA');
    const ca = await iot.send(new RegisterCACertificateCommand({ caCertificate: customer.caCertPem, verificationCertificate: (await customer.issueClient(code)).certPem, setAsActive: true }));
    const caId = ca.certificateId as string;
    await expect(iot.send(new DeleteCACertificateCommand({ certificateId: caId }))).rejects.toMatchObject({ name: 'CertificateStateException' });
    const device = await customer.issueClient('device-1');
    const registered = await iot.send(new RegisterCertificateCommand({ certificatePem: device.certPem, caCertificatePem: customer.caCertPem, setAsActive: false }));
    await iot.send(new UpdateCACertificateCommand({ certificateId: caId, newStatus: 'INACTIVE' }));
    await expect(iot.send(new DeleteCACertificateCommand({ certificateId: caId }))).rejects.toMatchObject({ name: 'CertificateStateException' });
    await iot.send(new UpdateCertificateCommand({ certificateId: registered.certificateId, newStatus: 'INACTIVE' }));
    await iot.send(new DeleteCertificateCommand({ certificateId: registered.certificateId }));
    await iot.send(new DeleteCACertificateCommand({ certificateId: caId }));
    await expect(iot.send(new DescribeCACertificateCommand({ certificateId: caId }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('thing types', () => {
  const ARN = 'arn:aws:iot:local:000000000000';

  it('CreateThingType / DescribeThingType / ListThingTypes / DeprecateThingType through the AWS SDK', async () => {
    const created = await iot.send(new CreateThingTypeCommand({ thingTypeName: 'pump', thingTypeProperties: { thingTypeDescription: 'water pumps', searchableAttributes: ['site'] } }));
    expect(created).toMatchObject({ thingTypeName: 'pump', thingTypeArn: `${ARN}:thingtype/pump` });
    expect(created.thingTypeId).toMatch(/^[0-9a-f-]{36}$/);
    // An identical create answers the same type; a different one is refused.
    expect((await iot.send(new CreateThingTypeCommand({ thingTypeName: 'pump', thingTypeProperties: { thingTypeDescription: 'water pumps', searchableAttributes: ['site'] } }))).thingTypeId).toBe(created.thingTypeId);
    await expect(iot.send(new CreateThingTypeCommand({ thingTypeName: 'pump', thingTypeProperties: { thingTypeDescription: 'other' } }))).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    await iot.send(new CreateThingTypeCommand({ thingTypeName: 'valve' }));

    const described = await iot.send(new DescribeThingTypeCommand({ thingTypeName: 'pump' }));
    expect(described).toMatchObject({ thingTypeName: 'pump', thingTypeId: created.thingTypeId, thingTypeArn: `${ARN}:thingtype/pump`, thingTypeProperties: { thingTypeDescription: 'water pumps', searchableAttributes: ['site'] }, thingTypeMetadata: { deprecated: false } });
    expect(described.thingTypeMetadata?.creationDate).toBeInstanceOf(Date);
    const listed = await iot.send(new ListThingTypesCommand({ maxResults: 1 }));
    expect(listed.thingTypes?.map((t) => t.thingTypeName)).toEqual(['pump']);
    expect((await iot.send(new ListThingTypesCommand({ nextToken: listed.nextToken }))).thingTypes?.map((t) => t.thingTypeName)).toEqual(['valve']);

    await iot.send(new CreateThingCommand({ thingName: 'pump-7', thingTypeName: 'pump' }));
    expect((await iot.send(new DescribeThingCommand({ thingName: 'pump-7' }))).thingTypeName).toBe('pump');
    await iot.send(new DeprecateThingTypeCommand({ thingTypeName: 'pump' }));
    const deprecated = await iot.send(new DescribeThingTypeCommand({ thingTypeName: 'pump' }));
    expect(deprecated.thingTypeMetadata?.deprecated).toBe(true);
    expect(deprecated.thingTypeMetadata?.deprecationDate).toBeInstanceOf(Date);
    await expect(iot.send(new CreateThingCommand({ thingName: 'pump-8', thingTypeName: 'pump' }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    expect((await iot.send(new DescribeThingCommand({ thingName: 'pump-7' }))).thingTypeName).toBe('pump');
    await iot.send(new DeprecateThingTypeCommand({ thingTypeName: 'pump', undoDeprecate: true }));
    expect((await iot.send(new DescribeThingTypeCommand({ thingTypeName: 'pump' }))).thingTypeMetadata).toMatchObject({ deprecated: false });
    await iot.send(new CreateThingCommand({ thingName: 'pump-8', thingTypeName: 'pump' }));
    await expect(iot.send(new DescribeThingTypeCommand({ thingTypeName: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('vigil thing type create / list / deprecate', async () => {
    expect((await cli('thing', 'type', 'create', 'sensor', '--description', 'temperature sensors', '--searchable', 'site')).out).toBe(`created thing type sensor (${ARN}:thingtype/sensor)\n`);
    expect((await cli('thing', 'type', 'deprecate', 'sensor')).out).toBe('thing type sensor is deprecated\n');
    const listed = JSON.parse((await cli('thing', 'type', 'list', '--json')).out) as { thingTypes: Array<{ thingTypeName: string; thingTypeMetadata: { deprecated: boolean } }> };
    expect(listed.thingTypes.find((t) => t.thingTypeName === 'sensor')?.thingTypeMetadata.deprecated).toBe(true);
    const refused = await cli('thing', 'create', 'sensor-1', '--type', 'sensor');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('thing type sensor is deprecated');
  });
});
