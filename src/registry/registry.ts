import { pages, type Clock } from '../core/index.js';
import type { CertificateStore, DeviceAuth, PolicyStore, RegistryChange, RegistryEvents, ServerCredentials, TagStore, ThingStore } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { arns, type Arns } from '../protocol/index.js';
import { loadOrCreateCa, loadOrIssueServerCertificate, serverSans, type CertificateAuthority } from './ca/certificate-authority.js';
import { certificatesService, type CertificatesService } from './certificates-service.js';
import type { RegistryConfig } from './config.js';
import { deviceAuth } from './device-auth.js';
import { testAuthorizationService, type TestAuthorizationRequest, type AuthResult } from './test-authorization.js';
import { createRegistryEvents } from './events.js';
import { policiesService, type PoliciesService } from './policies-service.js';
import type { RegistryDeps } from './support.js';
import { thingsService, type ThingsService } from './things-service.js';
import { tagsService, type TagsService } from './tags-service.js';

export interface RegistryOptions {
  readonly stores: { readonly things: ThingStore; readonly certificates: CertificateStore; readonly policies: PolicyStore; readonly tags: TagStore };
  readonly config: RegistryConfig;
  /** `<data_dir>/secrets`: ca.key, ca.pem, server.key, server.pem. */
  readonly secretsDir: string;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly region: string;
  readonly accountId: string;
}

/** The registry engine: the AWS control-plane operations, the built-in CA, and the ingress port. */
export interface Registry {
  readonly things: ThingsService;
  readonly certificates: CertificatesService;
  readonly policies: PoliciesService;
  /** TagResource / UntagResource / ListTagsForResource on registry resources. */
  readonly tags: TagsService;
  /** For the MQTT ingress: authentication by certificate, per-connection policy decisions. */
  readonly deviceAuth: DeviceAuth & { evaluations(): number; cachedPolicies(): number };
  /** TestAuthorization: what a device with this certificate and client id may do, and why. */
  testAuthorization(request: TestAuthorizationRequest): Promise<{ clientId: string; certificateId: string; results: AuthResult[] }>;
  readonly events: RegistryEvents;
  /**
   * A change another cluster node committed to the shared registry: bumps the generation (every cached
   * decision is dropped) and notifies listeners as a change made here would.
   */
  replay(change: RegistryChange): void;
  readonly arns: Arns;
  readonly ca: CertificateAuthority;
  /** The broker's TLS identity (secrets/server.pem, server.key) and the CAs to trust for clients. */
  readonly server: ServerCredentials;
  readonly defaultPolicyName: string;
}

/**
 * Opens the registry: creates the built-in CA and the broker certificate on first start,
 * registers the CA and creates the built-in device policy when missing.
 */
export async function createRegistry(options: RegistryOptions): Promise<Registry> {
  const now = options.clock.now();
  const { ca, created } = await loadOrCreateCa(options.secretsDir, now, options.config.ca_days);
  if (created) options.telemetry.emit('secret_created', { name: 'ca.key' }, { dir: options.secretsDir });
  const server = await loadOrIssueServerCertificate(ca, options.secretsDir, serverSans(options.config.server_cert_sans), options.config.server_cert_days, now);
  if (server.issued) options.telemetry.emit('certificate_issued', { kind: 'server' }, { sans: serverSans(options.config.server_cert_sans) });

  const events = createRegistryEvents((error) => options.telemetry.emit('component_error', { component: 'registry', code: 'registry.listener_failed', stage: 'event' }, { err: error }));
  const deps: RegistryDeps = { ...options.stores, ca, config: options.config, clock: options.clock, telemetry: options.telemetry, events, region: options.region, accountId: options.accountId };
  const things = thingsService(deps);
  const certificates = certificatesService(deps, things);
  const policies = policiesService(deps, things, certificates);
  await certificates.ensureBuiltInCa();
  await policies.ensureDefaultPolicy();
  const auth = deviceAuth(deps);

  return {
    things,
    certificates,
    policies,
    tags: tagsService(deps, { things, certificates, policies }),
    deviceAuth: auth,
    testAuthorization: testAuthorizationService(deps, auth),
    events,
    replay: (change) => events.publish(change),
    arns: arns(options.region, options.accountId),
    ca,
    server: {
      certificatePem: server.certificatePem,
      privateKeyPem: server.privateKeyPem,
      caPem: ca.caPem,
      async trustedCaPems() {
        const all = await pages((cursor) => options.stores.certificates.listCa({ limit: 100, cursor }));
        return all.filter((c) => c.status === 'ACTIVE').map((c) => c.certificatePem);
      },
    },
    defaultPolicyName: options.config.default_policy,
  };
}
