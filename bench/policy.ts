/**
 * `npm run bench -- policy`: IoT policy decisions per second for a publish by a thing whose
 * certificate and group carry 3 policies of 10 statements each: served from the per-connection
 * cache, evaluated without the cache, and cold (cache invalidated: reload from SQLite + evaluate).
 */
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { systemClock } from '../src/core/index.js';
import { createRegistry, evaluatePolicies, compilePolicy, registryConfigSchema, type CompiledPolicy, type PolicyContext } from '../src/registry/index.js';
import { migrateRegistry, openSqliteRegistry, registryRepositories } from '../src/store/index.js';
import { Telemetry, createLogger } from '../src/telemetry/index.js';
import { tempDir } from '../test/support/temp.js';
import { fmt, median, perSecond, type BenchContext, type BenchReport } from './types.js';

const ARN = 'arn:aws:iot:local:000000000000';

/** Ten statements; only the last one of the last policy allows the benchmark's publish. */
function document(index: number, last: boolean): string {
  const thing = '${iot:Connection.Thing.ThingName}';
  const statements: unknown[] = [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/${thing}` },
    { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/$aws/things/${thing}/defender/*` },
    { Effect: 'Allow', Action: 'iot:Receive', Resource: `${ARN}:topic/$aws/things/${thing}/defender/*` },
    { Effect: 'Deny', Action: 'iot:Publish', Resource: `${ARN}:topic/admin/${index}/*` },
    { Effect: 'Allow', Action: 'iot:Publish', Resource: [`${ARN}:topic/fleet/${index}/status`, `${ARN}:topic/fleet/${index}/alerts/*`] },
    { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/sites/\${iot:Connection.Thing.Attributes[site]}/${index}/*`, Condition: { StringEquals: { 'iot:Connection.Thing.ThingTypeName': 'valve' } } },
    { Effect: 'Deny', Action: 'iot:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
    { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/cn/\${iot:Certificate.Subject.CommonName}/${index}` },
    { Effect: 'Allow', Action: ['iot:Publish', 'iot:RetainPublish'], Resource: `${ARN}:topic/retained/${index}/?` },
    last
      ? { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/$aws/things/${thing}/defender/metrics/*` }
      : { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/other/${index}/*`, Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } },
  ];
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function measure(fn: () => void, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function measureAsync(fn: () => Promise<unknown>, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export default async function policyBench(ctx: BenchContext): Promise<BenchReport> {
  const dir = tempDir('vigil-bench-policy-');
  const db = openSqliteRegistry(join(dir.path, 'registry.sqlite'));
  try {
    const migrated = await migrateRegistry(db);
    if (!migrated.ok) throw migrated.error;
    const registry = await createRegistry({
      stores: registryRepositories(db),
      config: Value.Default(registryConfigSchema, {}) as never,
      secretsDir: dir.path,
      clock: systemClock,
      telemetry: new Telemetry(createLogger({ level: 'silent', format: 'json' })),
      region: 'local',
      accountId: '000000000000',
    });
    await registry.things.createThing({ thingName: 'pump-1', thingTypeName: 'pump', attributes: { site: 'north' } });
    await registry.things.createGroup({ groupName: 'plant' });
    await registry.things.addThingToGroup('plant', 'pump-1');
    const { certificate } = await registry.certificates.createKeysAndCertificate(true, 'pump-1');
    const certArn = registry.arns.cert(certificate.certificateId);
    await registry.certificates.attachThingPrincipal('pump-1', certArn, undefined);
    const documents = [0, 1, 2].map((i) => document(i, i === 2));
    for (const [i, text] of documents.entries()) {
      await registry.policies.createPolicy(`bench-${i}`, text);
      await registry.policies.attachPolicy(`bench-${i}`, i < 2 ? certArn : registry.arns.thingGroup('plant'));
    }
    const topic = '$aws/things/pump-1/defender/metrics/json';
    const connection = await registry.deviceAuth.openConnection({ certificateId: certificate.certificateId, clientId: 'pump-1', sourceIp: '10.0.0.7' });
    if (!(await connection.canPublish(topic))) throw new Error('benchmark setup: the publish should be allowed');

    const compiled: CompiledPolicy[] = documents.map((text, i) => {
      const result = compilePolicy(`bench-${i}`, '1', text);
      if (!result.ok) throw result.error;
      return result.value;
    });
    const context: PolicyContext = { clientId: 'pump-1', sourceIp: '10.0.0.7', thing: { thingName: 'pump-1', thingTypeName: 'pump', attributes: { site: 'north' } }, certificate: { subject: { CommonName: ['pump-1'] }, issuer: { CommonName: ['Vigil CA'] }, subjectAlternativeNames: {}, issuerAlternativeNames: {}, serialNumber: '01' } };
    const resource = `${ARN}:topic/${topic}`;
    if (!evaluatePolicies(compiled, 'iot:Publish', resource, context).allowed) throw new Error('benchmark setup: evaluation should allow');

    const rows: Array<Array<string | number>> = [];
    const rates: number[] = [];

    ctx.progress('cached: per-connection decision cache hit');
    const cachedN = 200_000;
    const cached = perSecond(cachedN, median(await ctx.repeat(7, () => measureAsync(() => connection.canPublish(topic), cachedN), 1)));
    rows.push(['cached (connection cache hit)', fmt(cachedN), fmt(cached)]);
    rates.push(cached);

    ctx.progress('uncached: evaluate 3 × 10 statements');
    const evalN = 50_000;
    const uncached = perSecond(evalN, median(await ctx.repeat(7, () => measure(() => void evaluatePolicies(compiled, 'iot:Publish', resource, context), evalN), 1)));
    rows.push(['uncached (evaluate 30 statements)', fmt(evalN), fmt(uncached)]);
    rates.push(uncached);

    ctx.progress('cold: invalidate, reload policies from SQLite, evaluate');
    const coldN = 300;
    const cold = perSecond(
      coldN,
      median(
        await ctx.repeat(5, () =>
          measureAsync(async () => {
            // A thing update invalidates every connection's cache (a real registry change each time).
            await registry.things.updateThing('pump-1', { attributePayload: { attributes: { site: 'north' }, merge: true } });
            await connection.canPublish(topic);
          }, coldN),
        ),
      ),
    );
    rows.push(['cold (change + reload from SQLite + evaluate)', fmt(coldN), fmt(cold)]);
    connection.close();
    return {
      columns: ['case', 'decisions per run', 'decisions/s (median)'],
      rows,
      notes: [
        `Publish to ${topic} by thing pump-1: 2 policies on its certificate + 1 on its group, 10 statements each; the allowing statement is the last one evaluated.`,
        `cached / uncached = ${fmt(cached / uncached, 1)}×. The cold row includes one registry write (UpdateThing) per decision, so it bounds the cost after a change, not steady state.`,
      ],
    };
  } finally {
    await db.close();
    dir.remove();
  }
}
