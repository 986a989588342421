import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { registryClient, type VigilClient } from '../../api/index.js';
import { VigilError, pages } from '../../core/index.js';
import { dataDirLayout } from '../../store/index.js';
import type { CliContext } from '../context.js';
import { clientFor, loadConfigOrThrow, printJson, withServerOptions, type ServerOptions } from '../common.js';
import { renderTable } from '../output.js';

interface IssueOptions extends ServerOptions {
  readonly thing: string;
  readonly out: string;
  readonly policy?: string;
  readonly endpoint?: string;
}

export function registerCert(program: Command, context: CliContext): void {
  const group = program.command('cert').description('device certificates issued by (or registered with) Vigil');

  withServerOptions(group.command('issue'))
    .description('issue a device certificate for a thing: writes cert.pem, private.key and ca.pem, attaches it to the thing and a policy, and prints the `vigil agent` command')
    .requiredOption('--thing <name>', 'thing name (created if missing)')
    .requiredOption('--out <dir>', 'directory for cert.pem, private.key (0600) and ca.pem')
    .option('--policy <name>', 'policy to attach (default: the built-in vigil-device-defender policy)')
    .option('--endpoint <url>', 'MQTT endpoint to print in the agent command (default: from run/endpoints.json, else mqtts://<api host>:8883)')
    .action(async (options: IssueOptions) => {
      const client = clientFor(options, context);
      const registry = registryClient(client);
      await ensureThing(client, options.thing);
      // The key is generated here and never sent: the server signs a CSR.
      const { createKeyAndCsr } = await import('../lazy-keys.js');
      const { privateKeyPem, csrPem } = await createKeyAndCsr(options.thing);
      const issued = await registry.createCertificateFromCsr(csrPem);
      await registry.attachThingPrincipal(options.thing, issued.certificateArn);
      const ca = await registry.builtInCa();
      const policy = options.policy ?? ca.defaultPolicyName;
      await registry.attachPolicy(policy, issued.certificateArn);

      const out = resolve(options.out);
      mkdirSync(out, { recursive: true });
      const files = { cert: join(out, 'cert.pem'), key: join(out, 'private.key'), ca: join(out, 'ca.pem') };
      writeFileSync(files.cert, issued.certificatePem);
      writeFileSync(files.key, privateKeyPem, { mode: 0o600 });
      chmodSync(files.key, 0o600);
      writeFileSync(files.ca, ca.caCertificatePem);

      const endpoint = options.endpoint ?? mqttEndpoint(options, context, client);
      context.io.out(
        [
          `issued certificate ${issued.certificateId}`,
          `  thing:  ${options.thing}`,
          `  policy: ${policy}`,
          `  files:  ${files.cert}, ${files.key} (0600), ${files.ca}`,
          '',
          'run the agent on the device with:',
          `  vigil agent --endpoint ${endpoint} --thing-name ${options.thing} --cert ${files.cert} --key ${files.key} --ca ${files.ca}`,
          '',
        ].join('\n'),
      );
    });

  withServerOptions(group.command('list'))
    .description('list certificates')
    .option('--json', 'JSON output')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const registry = registryClient(clientFor(options, context));
      const certificates = await pages(async (marker) => {
        const page = await registry.listCertificates(marker);
        return { items: page.certificates, next: page.nextMarker };
      });
      if (options.json === true) printJson(context, { certificates });
      else context.io.out(renderTable(['CERTIFICATE ID', 'STATUS', 'CREATED'], certificates.map((c) => [c.certificateId, c.status, new Date(c.creationDate * 1000).toISOString()])));
    });

  withServerOptions(group.command('describe <certificateId>'))
    .description('show a certificate')
    .action(async (certificateId: string, options: ServerOptions) => {
      printJson(context, (await registryClient(clientFor(options, context)).describeCertificate(certificateId)).certificateDescription);
    });

  withServerOptions(group.command('deactivate <certificateId>'))
    .description('set a certificate INACTIVE: devices using it are refused (and disconnected)')
    .action(async (certificateId: string, options: ServerOptions) => {
      await registryClient(clientFor(options, context)).updateCertificate(certificateId, 'INACTIVE');
      context.io.out(`certificate ${certificateId} is INACTIVE\n`);
    });

  withServerOptions(group.command('registration-code'))
    .description("GetRegistrationCode: the CN a CA's verification certificate must carry (AWS's proof of possession)")
    .action(async (options: ServerOptions) => {
      context.io.out(`${(await registryClient(clientFor(options, context)).registrationCode()).registrationCode}\n`);
    });

  withServerOptions(group.command('register-ca'))
    .description("register your own CA (its certificate only, never its key) so devices it signed can connect")
    .requiredOption('--ca <ca.pem>', 'the CA certificate')
    .option('--verification <verification.pem>', 'a certificate signed by the CA key with CN = `vigil cert registration-code`')
    .option('--activate', 'set the CA ACTIVE now')
    .action(async (options: ServerOptions & { ca: string; verification?: string; activate?: boolean }) => {
      const read = (path: string) => {
        try {
          return readFileSync(path, 'utf8');
        } catch (error) {
          throw new VigilError('cli.unreadable_file', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      const registered = await registryClient(clientFor(options, context)).registerCaCertificate(read(options.ca), { ...(options.verification === undefined ? {} : { verificationCertificate: read(options.verification) }), setAsActive: options.activate === true });
      context.io.out(`registered CA ${registered.certificateId} (${registered.certificateArn})${options.activate === true ? ', ACTIVE' : ', INACTIVE'}\n`);
    });

  const crl = group.command('crl').description("certificate revocation lists of CAs you registered (the audit's revocation checks read them)");
  withServerOptions(crl.command('upload <file>'))
    .description("store the CRL your CA published (PEM or DER), after checking the CA's key signed it")
    .requiredOption('--ca <caCertificateId>', 'the registered CA that issued the CRL')
    .action(async (file: string, options: ServerOptions & { ca: string }) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        throw new VigilError('cli.unreadable_file', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const text = bytes.includes('-----BEGIN') ? bytes.toString('utf8') : bytes.toString('base64');
      const stored = await registryClient(clientFor(options, context)).putCaCrl(options.ca, text);
      context.io.out(`stored the CRL of CA ${stored.caCertificateId}: ${stored.revokedCount} revoked certificate(s), issued ${stored.thisUpdate}${stored.nextUpdate === null ? '' : `, next update ${stored.nextUpdate}`}\n`);
    });

  withServerOptions(group.command('endpoint'))
    .description('DescribeEndpoint: the address devices connect to (what iot:Data-ATS answers)')
    .option('--type <endpointType>', 'iot:Data-ATS, iot:Data, iot:CredentialProvider or iot:Jobs', 'iot:Data-ATS')
    .action(async (options: ServerOptions & { type: string }) => {
      context.io.out(`${(await registryClient(clientFor(options, context)).describeEndpoint(options.type)).endpointAddress}\n`);
    });

  withServerOptions(group.command('revoke <certificateId>'))
    .description('revoke a certificate (final): it is refused and listed on the issuing CA\'s CRL')
    .action(async (certificateId: string, options: ServerOptions) => {
      await registryClient(clientFor(options, context)).updateCertificate(certificateId, 'REVOKED');
      context.io.out(`certificate ${certificateId} is REVOKED\n`);
    });
}

async function ensureThing(client: VigilClient, thingName: string): Promise<void> {
  const registry = registryClient(client);
  try {
    await registry.describeThing(thingName);
  } catch (error) {
    if (!(error instanceof VigilError) || error.code !== 'http.404') throw error;
    await registry.createThing(thingName);
  }
}

/** The broker's address as the running server published it, else the API host on 8883. */
function mqttEndpoint(options: ServerOptions, context: CliContext, client: VigilClient): string {
  try {
    const layout = dataDirLayout(loadConfigOrThrow(options, context).dataDir);
    if (options.server === undefined && existsSync(layout.endpointsPath)) {
      const endpoints = JSON.parse(readFileSync(layout.endpointsPath, 'utf8')) as Record<string, string>;
      const mqtt = endpoints['mqtts'] ?? endpoints['mqtt'];
      if (mqtt !== undefined) return mqtt;
    }
  } catch {
    // fall through to the API host
  }
  return `mqtts://${new URL(client.baseUrl).hostname}:8883`;
}
