import { CreatePolicyCommand, CreateThingCommand, CreateThingGroupCommand, CreateThingTypeCommand, DeleteCACertificateCommand, DeletePolicyCommand, DeleteThingTypeCommand, DeprecateThingTypeCommand, DescribeThingTypeCommand, IoTClient, ListTagsForResourceCommand, RegisterCACertificateCommand, TagResourceCommand, UntagResourceCommand, UpdateCACertificateCommand, UpdateThingCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTime } from '../../src/core/index.js';
import { cliFor } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { createTestPki } from '../support/test-pki.js';
import { iotClientFor } from '../support/aws-sdk.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const ARN = 'arn:aws:iot:local:000000000000';
const MINUTE = 60_000;

let vigil: TestVigil;
let iot: IoTClient;
let cli: ReturnType<typeof cliFor>;
const time = new FakeTime(Date.now());
const home = tempDir('vigil-iot-tags-');

beforeAll(async () => {
  vigil = await startTestVigil({}, { clock: time });
  iot = await iotClientFor(vigil, 'tags');
  cli = cliFor(vigil, { HOME: home.path });
});
afterAll(async () => {
  iot.destroy();
  await vigil.stop();
  home.remove();
});

const tagsOf = async (resourceArn: string) => (await iot.send(new ListTagsForResourceCommand({ resourceArn }))).tags;

describe('TagResource / UntagResource / ListTagsForResource (AWS SDK)', () => {
  it('tags a thing by ARN, replaces a value, removes keys, and lists them by key', async () => {
    await iot.send(new CreateThingCommand({ thingName: 'tagged-pump' }));
    const resourceArn = `${ARN}:thing/tagged-pump`;
    expect(await tagsOf(resourceArn)).toEqual([]);
    await iot.send(new TagResourceCommand({ resourceArn, tags: [{ Key: 'site', Value: 'plant-a' }, { Key: 'owner', Value: 'ops' }, { Key: 'flag' }] }));
    await iot.send(new TagResourceCommand({ resourceArn, tags: [{ Key: 'site', Value: 'plant-b' }] }));
    expect(await tagsOf(resourceArn)).toEqual([{ Key: 'flag', Value: '' }, { Key: 'owner', Value: 'ops' }, { Key: 'site', Value: 'plant-b' }]);
    await iot.send(new UntagResourceCommand({ resourceArn, tagKeys: ['owner', 'flag'] }));
    expect(await tagsOf(resourceArn)).toEqual([{ Key: 'site', Value: 'plant-b' }]);
  });

  it('refuses an unknown resource (ResourceNotFoundException), another account\'s ARN, a reserved key and more than 50 tags (InvalidRequest / LimitExceeded)', async () => {
    await expect(iot.send(new TagResourceCommand({ resourceArn: `${ARN}:thing/missing`, tags: [{ Key: 'a', Value: 'b' }] }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const foreign = await iot.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:iot:eu-west-1:123456789012:thing/tagged-pump' })).catch((e: unknown) => e as { name: string; message: string });
    expect(foreign).toMatchObject({ name: 'InvalidRequestException' });
    expect((foreign as { message: string }).message).toContain('this server uses local and 000000000000');
    await expect(iot.send(new TagResourceCommand({ resourceArn: `${ARN}:thing/tagged-pump`, tags: [{ Key: 'aws:owner', Value: 'x' }] }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(iot.send(new TagResourceCommand({ resourceArn: `${ARN}:securityprofile/p`, tags: [{ Key: 'a', Value: 'b' }] }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: String(i) }));
    await expect(iot.send(new TagResourceCommand({ resourceArn: `${ARN}:thing/tagged-pump`, tags: many }))).rejects.toMatchObject({ name: 'LimitExceededException' });
    expect(await tagsOf(`${ARN}:thing/tagged-pump`)).toEqual([{ Key: 'site', Value: 'plant-b' }]);
  });

  it('takes tags on CreateThingType, CreateThingGroup, CreatePolicy and RegisterCACertificate, and deletes them with the resource', async () => {
    await iot.send(new CreateThingTypeCommand({ thingTypeName: 'tagged-type', tags: [{ Key: 'team', Value: 'fleet' }] }));
    expect(await tagsOf(`${ARN}:thingtype/tagged-type`)).toEqual([{ Key: 'team', Value: 'fleet' }]);
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'tagged-group', tags: [{ Key: 'team', Value: 'plant' }] }));
    expect(await tagsOf(`${ARN}:thinggroup/tagged-group`)).toEqual([{ Key: 'team', Value: 'plant' }]);
    const policyDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }] });
    await iot.send(new CreatePolicyCommand({ policyName: 'tagged-policy', policyDocument, tags: [{ Key: 'review', Value: '2026' }] }));
    expect(await tagsOf(`${ARN}:policy/tagged-policy`)).toEqual([{ Key: 'review', Value: '2026' }]);
    await expect(iot.send(new CreatePolicyCommand({ policyName: 'badly-tagged', policyDocument, tags: [{ Key: 'aws:x', Value: '' }] }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(iot.send(new DeletePolicyCommand({ policyName: 'badly-tagged' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    const pki = await createTestPki('Tagged CA');
    const ca = await iot.send(new RegisterCACertificateCommand({ caCertificate: pki.caCertPem, tags: [{ Key: 'issuer', Value: 'customer' }] }));
    const caArn = ca.certificateArn as string;
    expect(await tagsOf(caArn)).toEqual([{ Key: 'issuer', Value: 'customer' }]);

    await iot.send(new DeletePolicyCommand({ policyName: 'tagged-policy' }));
    await iot.send(new UpdateCACertificateCommand({ certificateId: ca.certificateId, newStatus: 'INACTIVE' }));
    await iot.send(new DeleteCACertificateCommand({ certificateId: ca.certificateId }));
    // Recreated under the same name/id, the resource starts with no tags.
    await iot.send(new CreatePolicyCommand({ policyName: 'tagged-policy', policyDocument }));
    expect(await tagsOf(`${ARN}:policy/tagged-policy`)).toEqual([]);
    await iot.send(new RegisterCACertificateCommand({ caCertificate: pki.caCertPem }));
    expect(await tagsOf(caArn)).toEqual([]);
  });
});

describe('DeleteThingType', () => {
  it('deletes a thing type only 5 minutes after DeprecateThingType and when no thing has it; its tags go with it', async () => {
    await iot.send(new CreateThingTypeCommand({ thingTypeName: 'old-sensor', tags: [{ Key: 'eol', Value: '2026' }] }));
    await iot.send(new CreateThingCommand({ thingName: 'old-1', thingTypeName: 'old-sensor' }));
    const notDeprecated = await iot.send(new DeleteThingTypeCommand({ thingTypeName: 'old-sensor' })).catch((e: unknown) => e as { name: string; message: string });
    expect(notDeprecated).toMatchObject({ name: 'InvalidRequestException' });
    expect((notDeprecated as { message: string }).message).toContain('is not deprecated');

    await iot.send(new DeprecateThingTypeCommand({ thingTypeName: 'old-sensor' }));
    time.set(time.now() + 4 * MINUTE);
    const tooSoon = await iot.send(new DeleteThingTypeCommand({ thingTypeName: 'old-sensor' })).catch((e: unknown) => e as { name: string; message: string });
    expect(tooSoon).toMatchObject({ name: 'InvalidRequestException' });
    expect((tooSoon as { message: string }).message).toContain('delete it in 60 s');

    time.set(time.now() + MINUTE);
    const inUse = await iot.send(new DeleteThingTypeCommand({ thingTypeName: 'old-sensor' })).catch((e: unknown) => e as { name: string; message: string });
    expect((inUse as { message: string }).message).toContain('still used by thing old-1');

    await iot.send(new UpdateThingCommand({ thingName: 'old-1', removeThingType: true }));
    await iot.send(new DeleteThingTypeCommand({ thingTypeName: 'old-sensor' }));
    await expect(iot.send(new DescribeThingTypeCommand({ thingTypeName: 'old-sensor' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await iot.send(new CreateThingTypeCommand({ thingTypeName: 'old-sensor' }));
    expect(await tagsOf(`${ARN}:thingtype/old-sensor`)).toEqual([]);
    await expect(iot.send(new DeleteThingTypeCommand({ thingTypeName: 'never-was' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('vigil tag', () => {
  it('add / list / remove through the CLI', async () => {
    await iot.send(new CreateThingCommand({ thingName: 'cli-tagged' }));
    const arn = `${ARN}:thing/cli-tagged`;
    expect(await cli('tag', 'add', arn, 'site=plant-a', 'owner=ops')).toMatchObject({ code: 0 });
    expect((await cli('tag', 'list', arn)).out).toBe('KEY    VALUE\nowner  ops\nsite   plant-a\n');
    expect(await cli('tag', 'remove', arn, 'owner')).toMatchObject({ code: 0 });
    expect(JSON.parse((await cli('tag', 'list', arn, '--json')).out)).toEqual({ tags: [{ Key: 'site', Value: 'plant-a' }] });
    const bad = await cli('tag', 'add', arn, 'novalue');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('KEY=VALUE');
  });
});
