/**
 * `npm run bench -- audit`: one full on-demand audit (every check enabled) over a registry of
 * 10,000 things, 10,000 device certificates (P-256 and RSA-2048, each parsed and key-checked),
 * 10,000 policies and 10,000 connection-history records, on SQLite. Target: < 10 s.
 */
import { randomUUID, X509Certificate, createHash } from 'node:crypto';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { systemClock, systemTimer, unwrap } from '../src/core/index.js';
import { AUDIT_CHECKS, auditConfigSchema, createAudit, type AuditConfig } from '../src/audit/index.js';
import { auditRepository, certificateRepository, connectionHistoryRepository, migrateRegistry, openSqliteRegistry, policyRepository, thingRepository } from '../src/store/index.js';
import { Telemetry, createLogger } from '../src/telemetry/index.js';
import { issue, nodeSpki, rootCa } from '../test/fixtures/audit/audit-pki.js';
import { tempDir } from '../test/support/temp.js';
import { fmt, median, perSecond, type BenchContext, type BenchReport } from './types.js';

const N = 10_000;
const ARN = 'arn:aws:iot:local:000000000000';

export default async function auditBench(ctx: BenchContext): Promise<BenchReport> {
  const dir = tempDir('vigil-bench-audit-');
  const registry = openSqliteRegistry(join(dir.path, 'registry.sqlite'));
  try {
    const migrated = await migrateRegistry(registry);
    if (!migrated.ok) throw migrated.error;
    const now = Date.now();
    ctx.progress('issuing 200 distinct certificates (20 RSA-2048, 180 P-256)');
    const root = await rootCa('Bench Root', now);
    const pems: string[] = [];
    for (let i = 0; i < 200; i++) pems.push((await issue(root, `device-${i}`, { now, days: 365, ...(i < 20 ? { spki: nodeSpki('rsa-2048') } : {}) })).pem);
    const things = thingRepository(registry);
    const certificates = certificateRepository(registry);
    const policies = policyRepository(registry);
    const history = connectionHistoryRepository(registry);
    ctx.progress(`loading ${fmt(N)} things, certificates, policies and connections`);
    for (let i = 0; i < N; i++) {
      const pem = pems[i % pems.length] as string;
      const node = new X509Certificate(pem);
      const certificateId = createHash('sha256').update(`${i}`).digest('hex');
      await things.createThing({ thingName: `thing-${i}`, thingId: randomUUID(), thingTypeName: undefined, attributes: {}, version: 1, createdAt: now });
      await certificates.create({ certificateId, caCertificateId: undefined, status: 'ACTIVE', certificatePem: pem, serialNumber: node.serialNumber, subject: node.subject, issuer: node.issuer, notBefore: now - 86_400_000, notAfter: now + 365 * 86_400_000, createdAt: now, updatedAt: now, customerVersion: 1, generationId: randomUUID() });
      const resource = i % 10 === 0 ? '*' : `${ARN}:topic/fleet/\${iot:Connection.Thing.ThingName}/*`;
      await policies.create(`policy-${i}`, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` }, { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: resource }, { Effect: 'Deny', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/fleet/${i}/#` }] }), now, randomUUID());
      await history.opened({ connectionId: `c-${i}`, clientId: `thing-${i % 9_000}`, certificateId, connectedAt: now - 3_600_000 + i, thingName: `thing-${i}` });
    }
    const telemetry = new Telemetry(createLogger({ level: 'silent', format: 'json' }));
    const audit = createAudit({
      store: auditRepository(registry),
      certificates,
      policies,
      connections: history,
      clock: systemClock,
      timer: systemTimer,
      telemetry,
      config: { ...(Value.Default(auditConfigSchema, {}) as AuditConfig), connection_data_lag_secs: 0 },
      region: 'local',
      accountId: '000000000000',
      mitigationActions: { getAction: async () => undefined },
      registryActions: {} as never,
    });
    unwrap(await audit.engine.updateConfiguration({ checks: Object.fromEntries(AUDIT_CHECKS.map((c) => [c.name, { enabled: true }])) }));
    let findings = 0;
    const times = await ctx.repeat(3, async () => {
      const started = performance.now();
      const taskId = unwrap(await audit.engine.startOnDemandTask(AUDIT_CHECKS.map((c) => c.name)));
      await audit.idle();
      const ms = performance.now() - started;
      const task = unwrap(await audit.engine.describeTask(taskId));
      findings = Object.values(task.details).reduce((sum, d) => sum + (d.nonCompliantResourcesCount ?? 0), 0);
      return ms;
    });
    const ms = median(times);
    return {
      columns: ['workload', 'median ms', 'resources/s', 'non-compliant'],
      rows: [[`full audit, ${AUDIT_CHECKS.length} checks, ${fmt(N)} things/certs/policies/connections`, fmt(ms), fmt(perSecond(4 * N, ms)), fmt(findings)]],
      notes: [`Target < 10,000 ms: ${ms < 10_000 ? 'met' : 'NOT met'} (median of 3 runs, SQLite, one process).`],
    };
  } finally {
    await registry.close();
    dir.remove();
  }
}
