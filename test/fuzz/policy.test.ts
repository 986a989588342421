import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { FUZZ, describeProblems, duckdbMemoryMb, hostileJson, hostileString, nestedJson, memoryProblem, runFuzz, timeoutFor, type CaseResult } from './fuzz-support.js';

/**
 * IoT policy documents from outside: CreatePolicy (AWS REST) with documents from the IAM grammar
 * (statements, actions, resources with policy variables and wildcards, conditions with every
 * operator and set qualifier), the same with one part broken, oversized and deep documents, random
 * JSON and text. Each accepted policy is attached to a certificate and evaluated for connect,
 * publish, subscribe and receive on generated topics. Every answer must be below 500 with a message,
 * and evaluation must not throw.
 */

let vigil: TestVigil;
let api: string;
let headers: Record<string, string>;
let certificateArn: string;
let certificateId: string;

beforeAll(async () => {
  vigil = await startTestVigil({ log: { level: 'error' } });
  api = vigil.running.endpoints['api'] as string;
  headers = { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' };
  const registry = vigil.running.registry;
  await registry.things.createThing({ thingName: 'policy-fuzz' });
  const issued = await registry.certificates.createKeysAndCertificate(true, 'policy-fuzz');
  certificateId = issued.certificate.certificateId;
  certificateArn = registry.arns.cert(certificateId);
  await registry.certificates.attachThingPrincipal('policy-fuzz', certificateArn, undefined);
});
afterAll(async () => vigil?.stop());

const ARN = 'arn:aws:iot:local:000000000000:';
const variable = fc.constantFrom('${iot:Connection.Thing.ThingName}', '${iot:ClientId}', '${iot:Connection.Thing.Attributes[kind]}', '${iot:Connection.Thing.IsAttached}', '${iot:Certificate.Subject.CommonName}', '${iot:Domain}', '${unknown:x}', '${', '}');
const segment = fc.oneof(fc.constantFrom('*', '?', 'a', 'sensors', '+', '#', '$aws', 'things'), variable, fc.string({ maxLength: 6 }));
const resource = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom('topic/', 'topicfilter/', 'client/', 'thing/'), fc.array(segment, { minLength: 1, maxLength: 4 })).map(([kind, parts]) => `${ARN}${kind}${parts.join('/')}`) },
  { weight: 1, arbitrary: fc.constantFrom('*', 'arn:*', 'not-an-arn', ARN) },
);
const action = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('iot:Connect', 'iot:Publish', 'iot:Subscribe', 'iot:Receive', 'iot:RetainPublish', 'iot:*', 'iot:P*', 'iot:?onnect', '*') }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });
const listOr = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | T[]> => fc.oneof(arb, fc.array(arb, { maxLength: 4 }));
const operator = fc.tuple(fc.constantFrom('', '', '', 'ForAnyValue:', 'ForAllValues:'), fc.constantFrom('StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringLike', 'StringNotLike', 'ArnEquals', 'ArnLike', 'Bool', 'IpAddress', 'NotIpAddress', 'Null', 'NumericLessThan'), fc.constantFrom('', '', 'IfExists')).map(([a, b, c]) => a + b + c);
const conditionKey = fc.constantFrom('iot:ClientId', 'iot:Connection.Thing.ThingName', 'aws:SourceIp', 'iot:Connection.Thing.IsAttached', 'iot:Connection.Thing.Attributes[kind]', 'aws:SecureTransport', 'x:nope');
const conditionValue = fc.oneof(fc.string({ maxLength: 12 }), variable, fc.ipV4().map((ip) => `${ip}/24`), fc.constantFrom('true', 'false', '::1/128', '10.0.0.0/33'), fc.boolean(), fc.integer());
const statement = fc
  .tuple(
    fc.record({ Effect: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('Allow', 'Allow', 'Deny') }, { weight: 1, arbitrary: fc.constant('allow') }), Condition: fc.dictionary(operator, fc.dictionary(conditionKey, listOr(conditionValue), { maxKeys: 2 }), { maxKeys: 1 }), Sid: fc.string({ maxLength: 8 }) }, { requiredKeys: ['Effect'] }),
    fc.oneof({ weight: 12, arbitrary: fc.constantFrom<string[]>(['Action'], ['Action'], ['NotAction']) }, { weight: 1, arbitrary: fc.constantFrom<string[]>([], ['Action', 'NotAction']) }),
    listOr(action),
    fc.oneof({ weight: 12, arbitrary: fc.constantFrom<string[]>(['Resource'], ['Resource'], ['NotResource']) }, { weight: 1, arbitrary: fc.constantFrom<string[]>([], ['Resource', 'NotResource']) }),
    listOr(resource),
  )
  .map(([base, actionKeys, actions, resourceKeys, resources]) => ({ ...base, ...Object.fromEntries(actionKeys.map((k) => [k, actions])), ...Object.fromEntries(resourceKeys.map((k) => [k, resources])) }));
const documentValue = fc.record({ Version: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('2012-10-17', '2008-10-17') }, { weight: 1, arbitrary: fc.constant('2020-01-01') }), Statement: fc.oneof(statement, fc.array(statement, { minLength: 1, maxLength: 2 })) }, { requiredKeys: ['Statement'] });

const policyDocument = fc.oneof(
  { weight: 6, arbitrary: documentValue.map((d) => JSON.stringify(d)) },
  { weight: 2, arbitrary: fc.tuple(documentValue, fc.nat(), fc.nat({ max: 4 }), fc.string({ maxLength: 3 })).map(([d, at, drop, insert]) => { const s = JSON.stringify(d); const i = at % (s.length + 1); return s.slice(0, i) + insert + s.slice(i + drop); }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 2, max: 50_000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([d, k]) => `{"Version":"2012-10-17","Statement":${nestedJson(d, k)}}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }).map((n) => JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: n }, () => ({ Effect: 'Allow', Action: 'iot:*', Resource: '*' })) })) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 200_000 }).map((n) => JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}topic/${'*?'.repeat(n / 2)}` } })) },
  { weight: 1, arbitrary: fc.oneof(hostileJson().map((v) => JSON.stringify(v) ?? ''), hostileString(3000)) },
);

const topic = fc.array(fc.constantFrom('a', 'sensors', 'policy-fuzz', '$aws', 'things', 'x'.repeat(300), '+', '#', ''), { minLength: 1, maxLength: 5 }).map((l) => l.join('/'));
const policyCase = fc.record({ document: policyDocument, body: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostileJson() }), topics: fc.array(topic, { minLength: 1, maxLength: 3 }), clientId: fc.oneof(fc.constant('policy-fuzz'), hostileString(40)) });

let serial = 0;

async function check(c: typeof policyCase extends fc.Arbitrary<infer T> ? T : never): Promise<CaseResult> {
  const name = `fuzz-${++serial}`;
  const response = await fetch(`${api}/policies/${name}`, { method: 'POST', headers, body: JSON.stringify(c.body ?? { policyDocument: c.document }) });
  const text = await response.text();
  if (response.status >= 500) return { outcome: String(response.status), problem: { kind: '5xx', detail: `${response.status} ${text.slice(0, 300)}` } };
  if (response.status !== 200) {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message !== 'string' || message === '') return { outcome: 'unclear', problem: { kind: 'unclear', detail: `${response.status} ${text.slice(0, 200)}` } };
    return { outcome: `refused:${message.replace(/"[^"]*"|Statement\[\d+\]|\d+/g, '').slice(0, 40)}` };
  }
  const registry = vigil.running.registry;
  let decisions = 0;
  try {
    await registry.policies.attachPolicy(name, certificateArn);
    const authorizer = await registry.deviceAuth.openConnection({ certificateId, clientId: c.clientId, sourceIp: '10.1.2.3', connectAttributes: [], lastWillTopic: undefined });
    try {
      if (await authorizer.canConnect()) decisions++;
      for (const t of c.topics) {
        if (await authorizer.canPublish(t, decisions % 2 === 0)) decisions++;
        if (await authorizer.canSubscribe(t)) decisions++;
        if (await authorizer.canReceive(t)) decisions++;
      }
    } finally {
      authorizer.close();
    }
  } catch (error) {
    return { outcome: 'evaluation-threw', problem: { kind: 'evaluation-threw', detail: error instanceof Error ? `${error.message}\n${error.stack?.split('\n').slice(1, 4).join('\n')}` : String(error) } };
  } finally {
    await registry.policies.detachPolicy(name, certificateArn).catch(() => undefined);
  }
  const deleted = await fetch(`${api}/policies/${name}`, { method: 'DELETE', headers });
  if (deleted.status !== 200) return { outcome: 'delete-failed', problem: { kind: 'delete-failed', detail: `${deleted.status} ${await deleted.text()}` } };
  return { outcome: decisions > 0 ? 'created:allows' : 'created:denies' };
}

describe(`policy document fuzz (${FUZZ.cases} documents, seed ${FUZZ.seed})`, () => {
  it('answers every generated CreatePolicy below 500 with a message, and evaluates each accepted policy without throwing', async () => {
    const summary = await runFuzz('policy', policyCase, check, {
      duckMb: () => duckdbMemoryMb(vigil.running.stores.events),
      show: (c) => JSON.stringify({ ...c, document: c.document.length > 400 ? `${c.document.slice(0, 400)}…(${c.document.length})` : c.document }),
      warmup: async () => {
        for (const c of fc.sample(policyCase, { numRuns: Math.min(1000, Math.max(50, FUZZ.cases / 10)), seed: FUZZ.seed + 1 })) await check(c);
      },
    });
    expect(summary.problems, describeProblems(summary)).toEqual([]);
    expect(Object.keys(summary.outcomes).some((o) => o.startsWith('created'))).toBe(true);
    expect(memoryProblem(summary)).toBeUndefined();
  }, timeoutFor(10));
});
