import { X509Certificate, createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { auditClient, detectClient, registryClient } from '../../src/api/index.js';
import { exposureOf, validateVigilConfig } from '../../src/app/index.js';
import { VigilError } from '../../src/core/index.js';
import { crl, issue, rootCa } from '../fixtures/audit/audit-pki.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const idOf = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
let vigil: TestVigil | undefined;
const dirs: Array<{ remove(): void }> = [];

afterEach(async () => {
  await vigil?.stop();
  vigil = undefined;
  for (const d of dirs.splice(0)) d.remove();
});

/** Enables `checks`, runs them on demand over HTTP, and returns the task's status per check and its findings. */
async function audit(v: TestVigil, checks: readonly string[]) {
  const api = auditClient(v.client);
  await api.configure({ auditCheckConfigurations: Object.fromEntries(checks.map((c) => [c, { enabled: true }])) });
  const { taskId } = await api.start(checks);
  let task = await api.task(taskId);
  for (let i = 0; i < 200 && task.taskStatus === 'IN_PROGRESS'; i++) {
    await new Promise((r) => setTimeout(r, 25));
    task = await api.task(taskId);
  }
  const findings = (await api.findings({ taskId })).findings;
  return { taskId, status: Object.fromEntries(Object.entries(task.auditDetails ?? {}).map(([k, d]) => [k, d.checkRunStatus])), findings };
}

async function refused(work: Promise<unknown>): Promise<VigilError> {
  const error = await work.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof VigilError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

describe('CRLs of external CAs through the API', () => {
  it('an uploaded CRL listing a still-ACTIVE device certificate yields REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE; bad CRLs get a 400 naming what is wrong', async () => {
    vigil = await startTestVigil();
    const registry = registryClient(vigil.client);
    const now = Date.now();
    const root = await rootCa('Plant CA', now);
    const other = await rootCa('Someone Else', now);
    await registry.registerCaCertificate(root.pem, { setAsActive: true });
    const revoked = await issue(root, 'meter-7', { now, days: 365 });
    const fine = await issue(root, 'meter-8', { now, days: 365 });
    for (const c of [revoked, fine]) await vigil.client.request('POST', '/certificate/register?setAsActive=true', { certificatePem: c.pem, caCertificatePem: root.pem });

    const before = await audit(vigil, ['REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK']);
    expect(before.status).toEqual({ REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK: 'COMPLETED_COMPLIANT' });

    const caId = idOf(root.pem);
    const notOurs = await refused(registry.putCaCrl(caId, await crl(other, [revoked], now)));
    expect(notOurs.code).toBe('ca_certificate.invalid_crl');
    expect(notOurs.message).toContain('not signed by CA');
    expect((await refused(registry.putCaCrl(caId, 'not a crl'))).code).toBe('ca_certificate.invalid_crl');
    expect((await refused(registry.putCaCrl((await registry.builtInCa()).caCertificateId, await crl(root, [], now)))).code).toBe('ca_certificate.invalid_request');
    expect((await refused(registry.putCaCrl('f'.repeat(64), await crl(root, [], now)))).code).toBe('ca_certificate.not_found');

    const stored = await registry.putCaCrl(caId, await crl(root, [revoked], now));
    expect(stored).toMatchObject({ caCertificateId: caId, revokedCount: 1 });
    expect((await registry.getCaCrl(caId)).crlPem).toContain('BEGIN X509 CRL');

    const after = await audit(vigil, ['REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK']);
    expect(after.status).toEqual({ REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK: 'COMPLETED_NON_COMPLIANT' });
    expect(after.findings.map((f) => [f.checkName, f.reasonForNonComplianceCode, (f.nonCompliantResource?.resourceIdentifier as { deviceCertificateId?: string } | undefined)?.deviceCertificateId])).toEqual([['REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK', 'CERTIFICATE_REVOKED_BY_ISSUER', idOf(revoked.pem)]]);
  });
});

describe('CRLs of external CAs through vigil apply and the CLI', () => {
  it('a ca_crls item uploads the CRL (applying it again is unchanged) and vigil cert crl upload replaces it', async () => {
    vigil = await startTestVigil();
    const now = Date.now();
    const root = await rootCa('Apply CA', now);
    await registryClient(vigil.client).registerCaCertificate(root.pem, { setAsActive: true });
    const revoked = await issue(root, 'pump-9', { now, days: 365 });
    await vigil.client.request('POST', '/certificate/register?setAsActive=true', { certificatePem: revoked.pem, caCertificatePem: root.pem });
    const caId = idOf(root.pem);
    const dir = tempDir('vigil-crl-apply-');
    dirs.push(dir);
    const config = join(dir.path, 'vigil.yaml');
    writeFileSync(config, `data_dir: ${vigil.dataDir}\n`);
    const file = join(dir.path, 'crls.yaml');
    writeFileSync(file, `ca_crls:\n  - caCertificateId: ${caId}\n    crl: |\n${(await crl(root, [revoked], now)).split('\n').map((l) => `      ${l}`).join('\n')}\n`);
    const first = await runCli(['apply', '-f', file, '--config', config]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain(`create    CA CRL/${caId}`);
    expect((await runCli(['apply', '-f', file, '--config', config])).stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.');
    const found = await audit(vigil, ['REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK']);
    expect(found.findings.map((f) => f.reasonForNonComplianceCode)).toEqual(['CERTIFICATE_REVOKED_BY_ISSUER']);

    // An empty CRL from the CLI replaces it: the device is no longer revoked.
    const empty = join(dir.path, 'empty.crl');
    writeFileSync(empty, await crl(root, [], now));
    const uploaded = await runCli(['cert', 'crl', 'upload', '--ca', caId, empty, '--server', vigil.running.endpoints['api'] as string, '--token', vigil.adminToken]);
    expect(uploaded.stderr).toBe('');
    expect(uploaded.stdout).toContain(`stored the CRL of CA ${caId}: 0 revoked certificate(s)`);
    expect((await audit(vigil, ['REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK'])).status).toEqual({ REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK: 'COMPLETED_COMPLIANT' });
  });
});

/** Serves `body()` at /ca.crl and counts the requests. */
async function crlServer(body: () => string) {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(body());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ca.crl`, requests: () => requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('CRLs fetched from the distribution point (audit.fetch_crls)', () => {
  it('with fetch_crls the audit fetches the CA\'s CRL named by its certificates and finds the revoked device; not again while the CRL is current; off by default', async () => {
    const now = Date.now();
    const root = await rootCa('Field CA', now);
    let crlText = '';
    const served = await crlServer(() => crlText);
    try {
      const revoked = await issue(root, 'valve-1', { now, days: 365, crlUrl: served.url });
      crlText = await crl(root, [revoked], now);
      for (const config of [{}, { audit: { fetch_crls: true } }]) {
        vigil = await startTestVigil(config);
        const registry = registryClient(vigil.client);
        await registry.registerCaCertificate(root.pem, { setAsActive: true });
        await vigil.client.request('POST', '/certificate/register?setAsActive=true', { certificatePem: revoked.pem, caCertificatePem: root.pem });
        const before = served.requests();
        const result = await audit(vigil, ['REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK']);
        if (!('audit' in config)) {
          expect(served.requests()).toBe(before);
          expect(result.status).toEqual({ REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK: 'COMPLETED_COMPLIANT' });
        } else {
          expect(served.requests()).toBe(before + 1);
          expect(result.findings.map((f) => f.reasonForNonComplianceCode)).toEqual(['CERTIFICATE_REVOKED_BY_ISSUER']);
          // The stored CRL's nextUpdate is a week ahead: the next audit does not fetch it again.
          await audit(vigil, ['REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK']);
          expect(served.requests()).toBe(before + 1);
        }
        await vigil.stop();
        vigil = undefined;
      }
    } finally {
      await served.close();
    }
  });
});

describe('IoT logging is Vigil\'s own log', () => {
  it('log.level silent is LOGGING_DISABLED; ENABLE_IOT_LOGGING turns the log on at once and the setting survives a restart', async () => {
    const dir = tempDir('vigil-logging-');
    dirs.push(dir);
    vigil = await startTestVigil({ log: { level: 'silent' } }, { dataDir: dir.path });
    const first = await audit(vigil, ['LOGGING_DISABLED_CHECK']);
    expect(first.status).toEqual({ LOGGING_DISABLED_CHECK: 'COMPLETED_NON_COMPLIANT' });
    expect(await vigil.client.request('GET', '/v2LoggingOptions')).toMatchObject({ defaultLogLevel: 'DISABLED', disableAllLogs: true });
    const silentLines = vigil.logs.length;

    await detectClient(vigil.client).createMitigationAction('turn-on-logging', { roleArn: 'arn:aws:iam::000000000000:role/logging', actionParams: { enableIoTLoggingParams: { roleArnForLogging: 'arn:aws:iam::000000000000:role/logging', logLevel: 'INFO' } } });
    const api = auditClient(vigil.client);
    await api.startMitigation('enable-logging', { target: { auditTaskId: first.taskId }, auditCheckToActionsMapping: { LOGGING_DISABLED_CHECK: ['turn-on-logging'] } });
    let mitigation = await api.mitigation('enable-logging');
    for (let i = 0; i < 200 && mitigation.taskStatus === 'IN_PROGRESS'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      mitigation = await api.mitigation('enable-logging');
    }
    expect(mitigation.taskStatus).toBe('COMPLETED');
    expect(vigil.running.telemetry.log.level).toBe('info');
    expect(await vigil.client.request('GET', '/v2LoggingOptions')).toMatchObject({ defaultLogLevel: 'INFO', disableAllLogs: false });
    await registryClient(vigil.client).createThing('logged-thing');
    expect(vigil.logs.length).toBeGreaterThan(silentLines);
    expect((await audit(vigil, ['LOGGING_DISABLED_CHECK'])).status).toEqual({ LOGGING_DISABLED_CHECK: 'COMPLETED_COMPLIANT' });
    await vigil.stop();

    // The config still says silent; the stored setting wins.
    vigil = await startTestVigil({ log: { level: 'silent' } }, { dataDir: dir.path });
    expect(vigil.running.telemetry.log.level).toBe('info');
    expect((await audit(vigil, ['LOGGING_DISABLED_CHECK'])).status).toEqual({ LOGGING_DISABLED_CHECK: 'COMPLETED_COMPLIANT' });

    // SetV2LoggingOptions turns it off again (the same setting, by hand).
    await vigil.client.request('POST', '/v2LoggingOptions', { roleArn: 'arn:aws:iam::000000000000:role/logging', defaultLogLevel: 'DISABLED' });
    expect(vigil.running.telemetry.log.level).toBe('silent');
    expect((await audit(vigil, ['LOGGING_DISABLED_CHECK'])).status).toEqual({ LOGGING_DISABLED_CHECK: 'COMPLETED_NON_COMPLIANT' });
  });
});

describe('Vigil-specific listener checks', () => {
  it('a running Vigil with mqtt.plain_listen set is flagged by VIGIL_PLAIN_MQTT_LISTENER_CHECK; without it the check is compliant', async () => {
    vigil = await startTestVigil({ mqtt: { listen: '127.0.0.1:0', plain_listen: '127.0.0.1:0' } });
    const flagged = await audit(vigil, ['VIGIL_PLAIN_MQTT_LISTENER_CHECK', 'VIGIL_PLAIN_HTTP_LISTENER_CHECK']);
    expect(flagged.status).toEqual({ VIGIL_PLAIN_MQTT_LISTENER_CHECK: 'COMPLETED_NON_COMPLIANT', VIGIL_PLAIN_HTTP_LISTENER_CHECK: 'COMPLETED_COMPLIANT' });
    expect(flagged.findings.map((f) => [f.checkName, f.severity, f.reasonForNonComplianceCode])).toEqual([['VIGIL_PLAIN_MQTT_LISTENER_CHECK', 'HIGH', 'PLAIN_MQTT_LISTENER_ENABLED']]);
    await vigil.stop();
    vigil = await startTestVigil();
    expect((await audit(vigil, ['VIGIL_PLAIN_MQTT_LISTENER_CHECK'])).status).toEqual({ VIGIL_PLAIN_MQTT_LISTENER_CHECK: 'COMPLETED_COMPLIANT' });
  });

  it('plain HTTP counts only off loopback and without TLS (api and hec)', () => {
    const exposure = (config: Record<string, unknown>) => exposureOf(validateVigilConfig(config).config).plainHttp;
    expect(exposure({})).toEqual([]);
    expect(exposure({ api: { listen: '0.0.0.0:8080', allow_insecure_http: true }, hec: { listen: '10.1.2.3:8088', allow_insecure_http: true } })).toEqual([{ name: 'api', address: '0.0.0.0:8080' }, { name: 'hec', address: '10.1.2.3:8088' }]);
    expect(exposure({ api: { listen: '0.0.0.0:8080', tls: 'auto' } })).toEqual([]);
  });
});
