import { CreatePolicyCommand, IoTClient, TestAuthorizationCommand } from '@aws-sdk/client-iot';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { iotClientFor } from '../support/aws-sdk.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

// A policy as it is written for an AWS account (the example: eu-west-1, 123456789012).
const AWS_ARN = 'arn:aws:iot:eu-west-1:123456789012';
const LOCAL_ARN = 'arn:aws:iot:local:000000000000';
const awsPolicy = (thing: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: `${AWS_ARN}:client/${thing}` },
      { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: [`${AWS_ARN}:topic/plant/${thing}/*`, `${AWS_ARN}:topic/$aws/things/${thing}/defender/*`] },
      { Effect: 'Deny', Action: 'iot:Publish', Resource: `${AWS_ARN}:topic/plant/${thing}/secret` },
    ],
  });

let vigil: TestVigil;
let iot: IoTClient;
let cli: ReturnType<typeof cliFor>;
const home = tempDir('vigil-account-arns-');

beforeAll(async () => {
  vigil = await startTestVigil();
  iot = await iotClientFor(vigil, 'account arns');
  cli = cliFor(vigil, { HOME: home.path });
});
afterAll(async () => {
  iot.destroy();
  await vigil.stop();
  home.remove();
});

/** A thing with a certificate of the built-in CA, the certificate attached to it (no policy yet). */
async function device(thingName: string) {
  const registry = vigil.running.registry;
  await registry.things.createThing({ thingName });
  const issued = await registry.certificates.createKeysAndCertificate(true, thingName);
  const arn = registry.arns.cert(issued.certificate.certificateId);
  await registry.certificates.attachThingPrincipal(thingName, arn, undefined);
  return { arn, certificateId: issued.certificate.certificateId, key: issued.privateKeyPem, cert: issued.certificate.certificatePem };
}

describe("policies name the account's own ARNs", () => {
  it('CreatePolicy with another region and account is refused, naming the ARN and the configured values (AWS SDK: MalformedPolicyException)', async () => {
    const error = await iot.send(new CreatePolicyCommand({ policyName: 'copied-from-aws', policyDocument: awsPolicy('pump-1') })).then(
      () => undefined,
      (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } },
    );
    expect(error?.name).toBe('MalformedPolicyException');
    expect(error?.$metadata.httpStatusCode).toBe(400);
    expect(error?.message).toContain(`Statement[0].Resource "${AWS_ARN}:client/pump-1"`);
    expect(error?.message).toContain('region local, account 000000000000');
    expect(error?.message).toContain('and 3 more ARNs');
    await expect(vigil.client.request('GET', '/policies/copied-from-aws')).rejects.toThrow(/no policy named copied-from-aws/);
  });

  it('vigil policy create --rewrite-arns rewrites every foreign ARN to this server\'s and reports each one', async () => {
    const file = join(home.path, 'policy.json');
    writeFileSync(file, awsPolicy('pump-1'));
    const refused = await cli('policy', 'create', '--name', 'pump-policy', '--file', file);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain(`${AWS_ARN}:client/pump-1`);
    const created = await cli('policy', 'create', '--name', 'pump-policy', '--file', file, '--rewrite-arns');
    expect(created.err).toBe('');
    expect(created.out.split('\n')).toEqual([
      `created policy pump-policy version 1 (${LOCAL_ARN}:policy/pump-policy)`,
      `rewrote Statement[0].Resource: ${AWS_ARN}:client/pump-1 -> ${LOCAL_ARN}:client/pump-1`,
      `rewrote Statement[1].Resource[0]: ${AWS_ARN}:topic/plant/pump-1/* -> ${LOCAL_ARN}:topic/plant/pump-1/*`,
      `rewrote Statement[1].Resource[1]: ${AWS_ARN}:topic/$aws/things/pump-1/defender/* -> ${LOCAL_ARN}:topic/$aws/things/pump-1/defender/*`,
      `rewrote Statement[2].Resource: ${AWS_ARN}:topic/plant/pump-1/secret -> ${LOCAL_ARN}:topic/plant/pump-1/secret`,
      '',
    ]);
    const stored = (await vigil.client.request<{ policyDocument: string }>('GET', '/policies/pump-policy')).policyDocument;
    expect(stored).not.toContain('eu-west-1');
    expect(JSON.parse(stored).Statement[0].Resource).toBe(`${LOCAL_ARN}:client/pump-1`);
  });

  it('wildcards in region or account are not foreign: arn:aws:iot:*:*:… is accepted as written', async () => {
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:*:*:client/any-*' }] });
    const created = await iot.send(new CreatePolicyCommand({ policyName: 'wildcard-account', policyDocument: document }));
    expect(created.policyDocument).toBe(document);
  });

  it('vigil policy test answers allowed with the statement that allowed, and denied with the statement that denied or failed to match', async () => {
    const pump = await device('pump-1');
    await vigil.running.registry.policies.attachPolicy('pump-policy', pump.arn);
    const allowed = await cli('policy', 'test', '--thing', 'pump-1', '--action', 'iot:Publish', '--resource', `${LOCAL_ARN}:topic/plant/pump-1/temperature`);
    expect(allowed.err).toBe('');
    expect(allowed.out).toBe(
      `allowed (ALLOWED): iot:Publish on ${LOCAL_ARN}:topic/plant/pump-1/temperature\n  iot:Publish on ${LOCAL_ARN}:topic/plant/pump-1/temperature allowed by policy pump-policy Statement[1] (Resource ${LOCAL_ARN}:topic/plant/pump-1/*)\n`,
    );
    const explicit = await cli('policy', 'test', '--thing', 'pump-1', '--action', 'iot:Publish', '--resource', 'plant/pump-1/secret');
    expect(explicit.out).toBe(`denied (EXPLICIT_DENY): iot:Publish on ${LOCAL_ARN}:topic/plant/pump-1/secret\n  iot:Publish on ${LOCAL_ARN}:topic/plant/pump-1/secret denied by policy pump-policy Statement[2] (Resource ${LOCAL_ARN}:topic/plant/pump-1/secret)\n`);
    const implicit = await cli('policy', 'test', '--thing', 'pump-1', '--action', 'iot:Subscribe', '--resource', 'plant/pump-1/#');
    expect(implicit.out).toBe(`denied (IMPLICIT_DENY): iot:Subscribe on ${LOCAL_ARN}:topicfilter/plant/pump-1/#\n  iot:Subscribe on ${LOCAL_ARN}:topicfilter/plant/pump-1/# implicitly denied: no statement of pump-policy allows iot:Subscribe\n`);
    const elsewhere = await cli('policy', 'test', '--thing', 'pump-1', '--action', 'iot:Publish', '--resource', 'plant/pump-2/temperature');
    expect(elsewhere.out).toContain(`implicitly denied: policy pump-policy Statement[1] allows iot:Publish but its Resource ${LOCAL_ARN}:topic/plant/pump-1/*, ${LOCAL_ARN}:topic/$aws/things/pump-1/defender/* does not match`);
  });

  it('TestAuthorization through @aws-sdk/client-iot answers in the AWS shape', async () => {
    const pump = await device('pump-2');
    await vigil.running.registry.policies.attachPolicy('pump-policy', pump.arn);
    const answer = await iot.send(
      new TestAuthorizationCommand({
        principal: pump.arn,
        clientId: 'pump-1',
        authInfos: [
          { actionType: 'CONNECT', resources: [`${LOCAL_ARN}:client/pump-1`] },
          { actionType: 'PUBLISH', resources: [`${LOCAL_ARN}:topic/plant/pump-1/secret`] },
          { actionType: 'SUBSCRIBE', resources: [`${LOCAL_ARN}:topicfilter/plant/#`] },
        ],
      }),
    );
    const policy = { policyName: 'pump-policy', policyArn: `${LOCAL_ARN}:policy/pump-policy` };
    expect(answer.authResults?.map((r) => r.authDecision)).toEqual(['ALLOWED', 'EXPLICIT_DENY', 'IMPLICIT_DENY']);
    expect(answer.authResults?.[0]).toMatchObject({ authInfo: { actionType: 'CONNECT', resources: [`${LOCAL_ARN}:client/pump-1`] }, allowed: { policies: [policy] }, missingContextValues: [] });
    expect(answer.authResults?.[1]?.denied?.explicitDeny?.policies).toEqual([policy]);
    expect(answer.authResults?.[2]?.denied?.implicitDeny?.policies).toEqual([policy]);
    await expect(iot.send(new TestAuthorizationCommand({ principal: `${LOCAL_ARN}:cert/${'0'.repeat(64)}`, authInfos: [{ actionType: 'CONNECT', resources: [`${LOCAL_ARN}:client/x`] }] }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('a refused MQTT CONNECT logs the statement that failed to match (mqtt_connect_refused and policy_denied lines)', async () => {
    const stale = await device('stale-1');
    await vigil.running.registry.policies.createPolicy('stale-policy', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: `${LOCAL_ARN}:client/line-*` }] }));
    await vigil.running.registry.policies.attachPolicy('stale-policy', stale.arn);
    const connecting = mqtt.connectAsync(vigil.running.endpoints['mqtt'] as string, { clientId: 'stale-1', protocolVersion: 4, key: stale.key, cert: stale.cert, ca: vigil.running.registry.server.caPem, reconnectPeriod: 0, connectTimeout: 5000 });
    await expect(connecting).rejects.toThrow(/Not authorized/i);
    const refused = vigil.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['event'] === 'mqtt_connect_refused' && l['clientId'] === 'stale-1');
    expect(refused?.['reason']).toBe('connect_denied');
    expect(refused?.['why']).toBe(
      `iot:Connect on ${LOCAL_ARN}:client/stale-1 implicitly denied: policy stale-policy Statement[0] allows iot:Connect but its Resource ${LOCAL_ARN}:client/line-* does not match`,
    );
    const denied = vigil.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['event'] === 'policy_denied' && l['clientId'] === 'stale-1');
    expect(denied).toMatchObject({ action: 'iot:Connect', decision: 'implicit_deny', resource: `${LOCAL_ARN}:client/stale-1` });
  });
});
