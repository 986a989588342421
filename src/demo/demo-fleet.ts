import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registryClient, type VigilClient } from '../api/index.js';
import { VigilError } from '../core/index.js';
import { certificateIdOf, createKeyAndCsr } from '../registry/index.js';
import type { DeviceIdentity, SimDevice } from '../sim/index.js';

export interface ProvisionOptions {
  /** Where certificates are kept: `<dir>/ca.pem`, `<dir>/<thing>/cert.pem`, `<dir>/<thing>/private.key`. */
  readonly certsDir: string;
  /** Policy attached to each new certificate (default: the built-in device policy). */
  readonly policyName?: string;
  /** Thing group each thing joins (created when missing). */
  readonly thingGroup?: string;
  /** `shared-certificate`: a second thing that gets the target's certificate attached. */
  readonly twin?: { readonly thingName: string; readonly of: string };
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ProvisionedFleet {
  readonly caPem: string;
  readonly identities: ReadonlyMap<string, DeviceIdentity>;
}

async function ignoreExists(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof VigilError && (error.code === 'http.409' || error.code.endsWith('.already_exists')))) throw error;
  }
}

/**
 * Makes sure every device of the fleet is a registered thing with an ACTIVE certificate and the
 * device policy, through the running server's AWS IoT routes (as `vigil cert issue` does: the key
 * is generated here and only a CSR is sent). Certificates already in `certsDir` are reused.
 */
export async function provisionFleet(client: VigilClient, fleet: readonly SimDevice[], options: ProvisionOptions): Promise<ProvisionedFleet> {
  const registry = registryClient(client);
  const ca = await registry.builtInCa();
  const policy = options.policyName ?? ca.defaultPolicyName;
  mkdirSync(options.certsDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(options.certsDir, 'ca.pem'), ca.caCertificatePem);
  if (options.thingGroup !== undefined) {
    const group = options.thingGroup;
    await ignoreExists(() => registry.createThingGroup(group));
  }
  const identities = new Map<string, DeviceIdentity>();
  let done = 0;
  for (const device of fleet) {
    const name = device.thingName;
    const dir = join(options.certsDir, name);
    const certPath = join(dir, 'cert.pem');
    const keyPath = join(dir, 'private.key');
    await ignoreExists(() => registry.createThing(name, { attributes: { model: device.model, simulated: 'true' } }));
    if (options.thingGroup !== undefined) await registry.addThingToThingGroup(options.thingGroup, name);
    if (!existsSync(certPath) || !existsSync(keyPath) || !(await certificateKnown(client, readFileSync(certPath, 'utf8')))) {
      const { privateKeyPem, csrPem } = await createKeyAndCsr(name);
      const issued = await registry.createCertificateFromCsr(csrPem);
      await registry.attachThingPrincipal(name, issued.certificateArn);
      await registry.attachPolicy(policy, issued.certificateArn);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(certPath, issued.certificatePem);
      writeFileSync(keyPath, privateKeyPem, { mode: 0o600 });
      chmodSync(keyPath, 0o600);
    }
    identities.set(name, { thingName: name, certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') });
    options.onProgress?.(++done, fleet.length);
  }
  if (options.twin !== undefined) {
    const { thingName, of } = options.twin;
    await ignoreExists(() => registry.createThing(thingName, { attributes: { simulated: 'true' } }));
    const principals = await registry.thingPrincipals(of);
    for (const principal of principals.principals) await registry.attachThingPrincipal(thingName, principal);
  }
  return { caPem: ca.caCertificatePem, identities };
}

/** True when the server knows this certificate and it is ACTIVE (a cached one from an old data dir is not). */
async function certificateKnown(client: VigilClient, certPem: string): Promise<boolean> {
  const der = Buffer.from(certPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  try {
    const described = await registryClient(client).describeCertificate(certificateIdOf(der));
    return described.certificateDescription.status === 'ACTIVE';
  } catch (error) {
    if (error instanceof VigilError && error.code === 'http.404') return false;
    throw error;
  }
}
