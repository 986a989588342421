import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliTestServer } from '../support/cli.js';

const server = cliTestServer('vigil-cert-');
const vigilCli = server.cli;

function openssl(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('vigil cert issue', () => {
  it('writes a certificate that `openssl verify` accepts against ca.pem, a 0600 key that matches it, and prints the agent command', async () => {
    const out = join(server.home, 'pump-7');
    const result = await vigilCli('cert', 'issue', '--thing', 'pump-7', '--out', out);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const files = { cert: join(out, 'cert.pem'), key: join(out, 'private.key'), ca: join(out, 'ca.pem') };
    expect(result.out).toContain(`vigil agent --endpoint mqtts://127.0.0.1:8883 --thing-name pump-7 --cert ${files.cert} --key ${files.key} --ca ${files.ca}`);

    const verified = openssl('verify', '-CAfile', files.ca, files.cert);
    expect(verified.output.trim()).toBe(`${files.cert}: OK`);
    expect(verified.status).toBe(0);
    // The same check against a CA that did not issue it fails, so the assertion above can fail.
    const other = join(server.home, 'other-ca.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(server.home, 'other.key'), '-out', other, '-subj', '/CN=Other CA', '-days', '1'], { stdio: 'ignore' });
    expect(openssl('verify', '-CAfile', other, files.cert).status).not.toBe(0);

    expect(statSync(files.key).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(readFileSync(files.cert));
    expect(createPublicKey(createPrivateKey(readFileSync(files.key))).export({ type: 'spki', format: 'der' })).toEqual(cert.publicKey.export({ type: 'spki', format: 'der' }));
    expect(cert.subject).toBe('CN=pump-7');
    expect(readFileSync(files.ca, 'utf8')).toBe(readFileSync(join(server.vigil.dataDir, 'secrets', 'ca.pem'), 'utf8'));
  });

  it('created the thing, attached the certificate to it and to the built-in device policy, which lets the device report', async () => {
    const registry = server.vigil.running.registry;
    const principals = await registry.certificates.listThingPrincipals('pump-7', {});
    expect(principals.items).toHaveLength(1);
    const certificateId = principals.items[0] as string;
    expect((await registry.policies.listAttachedPolicies(certificateId, {})).items).toEqual(['vigil-device-defender']);
    const identity = await registry.deviceAuth.authenticate(certificateId);
    expect(identity).toMatchObject({ status: 'ACTIVE', caStatus: 'ACTIVE', thingNames: ['pump-7'] });

    const connection = await registry.deviceAuth.openConnection({ certificateId, clientId: 'pump-7' });
    expect(await connection.canConnect()).toBe(true);
    expect(await connection.canPublish('$aws/things/pump-7/defender/metrics/json')).toBe(true);
    expect(await connection.canSubscribe('$aws/things/pump-7/defender/metrics/json/accepted')).toBe(true);
    expect(await connection.canPublish('$aws/things/pump-8/defender/metrics/json')).toBe(false);
    const impostor = await registry.deviceAuth.openConnection({ certificateId, clientId: 'pump-8' });
    expect(await impostor.canConnect()).toBe(false);
  });

  it('revoking puts the certificate on the CA\'s CRL, so `openssl verify -crl_check` refuses it', async () => {
    const out = join(server.home, 'pump-7');
    const certificateId = (await server.vigil.running.registry.certificates.listThingPrincipals('pump-7', {})).items[0] as string;
    const revoked = await vigilCli('cert', 'revoke', certificateId);
    expect(revoked.code).toBe(0);
    const ca = await server.vigil.client.request<{ crlPem: string }>('GET', '/api/v1/registry/ca');
    const crl = join(server.home, 'ca.crl');
    writeFileSync(crl, ca.crlPem);
    const serial = new X509Certificate(readFileSync(join(out, 'cert.pem'))).serialNumber.toUpperCase();
    expect(openssl('crl', '-in', crl, '-noout', '-text').output.toUpperCase()).toContain(serial);
    const check = openssl('verify', '-crl_check', '-CAfile', join(out, 'ca.pem'), '-CRLfile', crl, join(out, 'cert.pem'));
    expect(check.output).toContain('certificate revoked');
    expect(check.status).not.toBe(0);
    const described = await vigilCli('cert', 'describe', certificateId);
    expect(JSON.parse(described.out).status).toBe('REVOKED');
  });
});

describe('vigil thing / thing-group / policy', () => {
  it('creates, lists and describes things and groups, and creates and attaches a policy', async () => {
    expect((await vigilCli('thing', 'create', 'valve-9', '--type', 'valve', '--attr', 'site=north')).code).toBe(0);
    expect((await vigilCli('thing-group', 'create', 'plant-z')).code).toBe(0);
    expect((await vigilCli('thing-group', 'create', 'line-z', '--parent', 'plant-z')).code).toBe(0);
    expect((await vigilCli('thing-group', 'add', 'line-z', 'valve-9')).code).toBe(0);
    const things = JSON.parse((await vigilCli('thing', 'list', '--json')).out) as { things: Array<{ thingName: string; attributes: Record<string, string> }> };
    expect(things.things.find((t) => t.thingName === 'valve-9')?.attributes).toEqual({ site: 'north' });
    const described = JSON.parse((await vigilCli('thing', 'describe', 'valve-9')).out) as { thingTypeName: string; thingGroups: string[] };
    expect(described).toMatchObject({ thingTypeName: 'valve', thingGroups: ['line-z'] });
    expect((await vigilCli('thing-group', 'list')).out).toMatch(/line-z[\s\S]*plant-z/);

    const file = join(server.home, 'policy.json');
    writeFileSync(file, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Publish', Resource: 'arn:aws:iot:local:000000000000:topic/plant-z/*' }] }));
    const created = await vigilCli('policy', 'create', '--name', 'plant-z-publish', '--file', file);
    expect(created.out).toContain('created policy plant-z-publish version 1');
    expect((await vigilCli('policy', 'attach', 'plant-z-publish', '--group', 'plant-z')).code).toBe(0);
    expect((await server.vigil.running.registry.policies.listAttachedPolicies('arn:aws:iot:local:000000000000:thinggroup/line-z', { recursive: true })).items).toEqual(['plant-z-publish']);
    expect((await vigilCli('policy', 'list')).out).toContain('vigil-device-defender');

    const failed = await vigilCli('thing', 'describe', 'nope');
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('no thing named nope');
  });
});
