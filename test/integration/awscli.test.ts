import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const run = promisify(execFile);

/** The real `aws` binary: Debian's awscli 2.9.19 (what .ci/run installs) first, else whatever is on PATH. */
const AWS = process.env['VIGIL_TEST_AWS'] ?? (existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws');

async function awsVersion(): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(AWS, ['--version'], { timeout: 60_000 });
    return (stdout || stderr).trim();
  } catch {
    return undefined;
  }
}

const version = await awsVersion();

describe.skipIf(version === undefined)(version === undefined ? 'aws CLI against Vigil (skipped: the aws binary is not installed)' : `aws CLI against Vigil (${version})`, () => {
  let vigil: TestVigil;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    vigil = await startTestVigil();
    const key = await vigil.client.accessKeys.create('aws cli test');
    home = mkdtempSync(join(tmpdir(), 'vigil-awscli-'));
    // A clean HOME: no profile or config file of the machine's user is read.
    // The export script calls `aws` from PATH: put the binary this test compares against first.
    env = { PATH: AWS.includes('/') ? `${dirname(AWS)}:${process.env['PATH'] ?? ''}` : process.env['PATH'], HOME: home, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_DEFAULT_REGION: 'eu-west-1', AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true' };
  });
  afterAll(async () => {
    await vigil.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const aws = async (...args: string[]): Promise<unknown> => {
    const { stdout } = await run(AWS, ['iot', ...args, '--endpoint-url', vigil.running.endpoints['api'] as string, '--output', 'json'], { env, timeout: 60_000 });
    return stdout.trim() === '' ? {} : JSON.parse(stdout);
  };

  it('aws iot create-thing and list-things answer with the registered thing', async () => {
    const created = (await aws('create-thing', '--thing-name', 'awscli-pump')) as { thingName: string; thingArn: string };
    expect(created.thingName).toBe('awscli-pump');
    expect(created.thingArn).toBe('arn:aws:iot:local:000000000000:thing/awscli-pump');
    const listed = (await aws('list-things')) as { things: Array<{ thingName: string }> };
    expect(listed.things.map((t) => t.thingName)).toContain('awscli-pump');
  });

  it('aws iot describe-endpoint --endpoint-type iot:Data-ATS answers the MQTT listener', async () => {
    const mqtt = new URL(vigil.running.endpoints['mqtt'] as string);
    expect(await aws('describe-endpoint', '--endpoint-type', 'iot:Data-ATS')).toEqual({ endpointAddress: `127.0.0.1:${mqtt.port}` });
  });

  it('scripts/export-aws-iot.sh writes the documented layout, each file as the aws CLI prints it', async () => {
    const registry = vigil.running.registry;
    await registry.things.createThing({ thingName: 'export-pump' });
    const issued = await registry.certificates.createKeysAndCertificate(true, 'export-pump');
    await registry.certificates.attachThingPrincipal('export-pump', registry.arns.cert(issued.certificate.certificateId), undefined);
    await registry.policies.attachPolicy(registry.defaultPolicyName, registry.arns.cert(issued.certificate.certificateId));
    const out = join(home, 'export');
    // sts is not Vigil's: account.json then has an empty accountId, and the script goes on.
    await run('bash', ['scripts/export-aws-iot.sh', out, '--region', 'eu-west-1', '--endpoint-url', vigil.running.endpoints['api'] as string], { env: { ...env, AWS_ACCESS_KEY_ID: env['AWS_ACCESS_KEY_ID'], AWS_SECRET_ACCESS_KEY: env['AWS_SECRET_ACCESS_KEY'], AWS_MAX_ATTEMPTS: '1', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' }, timeout: 300_000 });
    const read = (file: string) => JSON.parse(readFileSync(join(out, file), 'utf8')) as Record<string, unknown>;
    expect(read('account.json')).toMatchObject({ region: 'eu-west-1' });
    expect(read('things.json')).toEqual(await aws('list-things'));
    expect(read('things/export-pump.json')).toEqual(await aws('describe-thing', '--thing-name', 'export-pump'));
    expect(read('things/export-pump.principals.json')).toEqual({ principals: [registry.arns.cert(issued.certificate.certificateId)] });
    expect(read(`policies/${registry.defaultPolicyName}.json`)).toEqual(await aws('get-policy', '--policy-name', registry.defaultPolicyName));
    expect(read(`policies/${registry.defaultPolicyName}.targets.json`)).toEqual({ targets: [registry.arns.cert(issued.certificate.certificateId)] });
    expect(read(`certificates/${issued.certificate.certificateId}.json`)).toEqual(await aws('describe-certificate', '--certificate-id', issued.certificate.certificateId));
    expect(read('ca-certificates.json')).toEqual(await aws('list-ca-certificates'));
    expect(read('audit-configuration.json')).toEqual(await aws('describe-account-audit-configuration'));
  }, 300_000);
});
