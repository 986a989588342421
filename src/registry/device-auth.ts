import type { ConnectionAuthorizer, ConnectionContext, DeviceAuth, DeviceIdentity } from '../model/index.js';
import { arns } from '../protocol/index.js';
import { certificateFacts, certificateIdOf } from './ca/x509.js';
import { effectiveGroupsOf } from './groups.js';
import type { PolicyContext } from './policy/context.js';
import { compilePolicy, type CompiledPolicy } from './policy/document.js';
import { evaluatePolicies, explainPolicies } from './policy/evaluate.js';
import type { RegistryDeps } from './support.js';

/** The policies in force for one certificate and client id, and the context they are evaluated in. */
export interface Loaded {
  readonly generation: number;
  readonly policies: readonly CompiledPolicy[];
  readonly context: PolicyContext;
  readonly active: boolean;
  readonly thingName: string | undefined;
}

/**
 * The ingress port: who a certificate is, and what one connection may do. Decisions are cached
 * per connection and dropped whenever the registry publishes a change (policy, attachment,
 * membership, certificate or CA status, thing).
 */
export type RegistryDeviceAuth = DeviceAuth & {
  evaluations(): number;
  /** What openConnection evaluates against (TestAuthorization uses the same). */
  policyState(context: ConnectionContext): Promise<Loaded>;
  compiledVersion(policyName: string, versionId: string, document: string): CompiledPolicy | undefined;
  /** Compiled policy versions cached now (at most `registry.policy_cache_size`). */
  cachedPolicies(): number;
};

/** A policy document that names `iot:Certificate.*` (a variable or a condition key) needs the certificate's fields. */
const CERTIFICATE_VARIABLE = /iot:certificate\./i;
/** Compiled policies whose documents name `iot:Certificate.*` (compiled versions are shared and immutable). */
const certificateAware = new WeakSet<CompiledPolicy>();

/** What every connection's authorizer shares. */
interface Shared {
  readonly deps: RegistryDeps;
  load(context: ConnectionContext): Promise<Loaded>;
  iot(resource: string): string;
  evaluated(): void;
}

/**
 * One connection's IoT-policy decisions, cached until the registry changes. A class, not a set of
 * closures: a broker holding 10,000 connections keeps only these few fields per connection.
 */
class ConnectionPolicy implements ConnectionAuthorizer {
  lastDenial: string | undefined;
  private decisions: Map<string, boolean> | undefined;
  private loading: Promise<Loaded> | undefined;
  private closed = false;

  constructor(
    readonly context: ConnectionContext,
    private loaded: Loaded,
    private readonly shared: Shared,
  ) {}

  get thingName(): string | undefined {
    return this.loaded.thingName;
  }

  canConnect(): Promise<boolean> {
    return this.authorize('iot:Connect', this.shared.iot(`client/${this.context.clientId}`));
  }

  async canPublish(topic: string, retain = false): Promise<boolean> {
    const publish = await this.authorize('iot:Publish', this.shared.iot(`topic/${topic}`));
    return publish && (!retain || (await this.authorize('iot:RetainPublish', this.shared.iot(`topic/${topic}`))));
  }

  canSubscribe(filter: string): Promise<boolean> {
    return this.authorize('iot:Subscribe', this.shared.iot(`topicfilter/${filter}`));
  }

  canReceive(topic: string): Promise<boolean> {
    return this.authorize('iot:Receive', this.shared.iot(`topic/${topic}`));
  }

  close(): void {
    this.closed = true;
    this.decisions = undefined;
  }

  async authorize(action: string, resource: string): Promise<boolean> {
    if (this.closed) return false;
    const { deps } = this.shared;
    const key = `${action}\n${resource}`;
    if (this.loaded.generation === deps.events.generation) {
      const cached = this.decisions?.get(key);
      if (cached !== undefined) {
        deps.telemetry.count('policy_decision', { action, decision: cached ? 'allow' : 'deny', cached: 'true' });
        return cached;
      }
    }
    const state = await this.current();
    this.shared.evaluated();
    const decision = state.active ? evaluatePolicies(state.policies, action, resource, state.context) : { allowed: false, reason: 'implicit_deny' as const };
    if (state.generation === deps.events.generation && !this.closed) (this.decisions ??= new Map()).set(key, decision.allowed);
    deps.telemetry.count('policy_decision', { action, decision: decision.reason, cached: 'false' });
    if (!decision.allowed) {
      // Explained once per connection and request (later ones hit the cache): which statement denied, or which failed to match.
      this.lastDenial = state.active ? explainPolicies(state.policies, action, resource, state.context, { region: deps.region, accountId: deps.accountId }).message : `${action} on ${resource} denied: the certificate or its CA is not ACTIVE`;
      deps.telemetry.emit('policy_denied', { action, decision: decision.reason }, { clientId: this.context.clientId, resource, why: this.lastDenial });
    }
    return decision.allowed;
  }

  private async current(): Promise<Loaded> {
    const { deps } = this.shared;
    if (this.loaded.generation === deps.events.generation) return this.loaded;
    this.loading ??= this.shared.load(this.context).finally(() => (this.loading = undefined));
    const fresh = await this.loading;
    if (fresh.generation >= this.loaded.generation) {
      this.loaded = fresh;
      this.decisions?.clear();
    }
    return this.loaded;
  }
}

export function deviceAuth(deps: RegistryDeps): RegistryDeviceAuth {
  // Compiled policy versions are immutable, so they are shared by every connection. Least recently
  // used first out, bounded by `registry.policy_cache_size`; a changed or deleted policy leaves at once
  // (before, a fleet of short-lived policies kept up to 10,000 compiled versions nobody could use again).
  const compiled = new Map<string, CompiledPolicy>();
  const cacheSize = deps.config.policy_cache_size;
  let evaluations = 0;
  deps.events.subscribe((change) => {
    if (change.kind === 'resync') return void compiled.clear();
    if (change.kind !== 'policy') return;
    const prefix = `${change.policyName}\n`;
    for (const key of compiled.keys()) if (key.startsWith(prefix)) compiled.delete(key);
  });

  function compiledVersion(policyName: string, versionId: string, document: string): CompiledPolicy | undefined {
    const key = `${policyName}\n${versionId}`;
    const found = compiled.get(key);
    if (found !== undefined) {
      compiled.delete(key);
      compiled.set(key, found);
      deps.telemetry.count('policy_cache', { result: 'hit' });
      return found;
    }
    deps.telemetry.count('policy_cache', { result: 'miss' });
    const result = compilePolicy(policyName, versionId, document);
    // A stored document always validated once; a failure here means it is unusable: it grants nothing.
    if (!result.ok) return undefined;
    while (compiled.size >= cacheSize) {
      compiled.delete(compiled.keys().next().value as string);
      deps.telemetry.count('policy_cache', { result: 'evicted' });
    }
    compiled.set(key, result.value);
    if (CERTIFICATE_VARIABLE.test(document)) certificateAware.add(result.value);
    return result.value;
  }

  const cachedPolicies = (): number => compiled.size;
  const shared: Shared = { deps, load: (context) => load(context), iot: arns(deps.region, deps.accountId).iot, evaluated: () => evaluations++ };

  /** `withCertificate`: the certificate's fields even when no policy in force names them (TestAuthorization may add one that does). */
  async function load(context: ConnectionContext, withCertificate = false): Promise<Loaded> {
    const generation = deps.events.generation;
    const certificate = await deps.certificates.get(context.certificateId);
    if (certificate === undefined) return { generation, policies: [], context: { clientId: context.clientId }, active: false, thingName: undefined };
    const ca = certificate.caCertificateId === undefined ? undefined : await deps.certificates.getCa(certificate.caCertificateId);
    const active = certificate.status === 'ACTIVE' && (ca === undefined || ca.status === 'ACTIVE');
    const attached = await deps.certificates.thingsOfPrincipal(certificate.certificateId, { limit: 250 });
    // Thing policy variables exist only when the client id is the name of a thing attached to the certificate.
    const thing = attached.items.includes(context.clientId) ? await deps.things.getThing(context.clientId) : undefined;
    const groups = thing === undefined ? [] : await effectiveGroupsOf(deps.things, thing.thingName);
    const documents = await deps.policies.effectivePolicies([{ kind: 'cert', id: certificate.certificateId }, ...groups.map((id) => ({ kind: 'thinggroup' as const, id }))]);
    const policies = documents.map((d) => compiledVersion(d.policyName, d.versionId, d.document)).filter((p): p is CompiledPolicy => p !== undefined);
    const policyContext: PolicyContext = {
      clientId: context.clientId,
      sourceIp: context.sourceIp,
      thing: thing === undefined ? undefined : { thingName: thing.thingName, thingTypeName: thing.thingTypeName, attributes: thing.attributes },
      // Parsed only for policies that can name it: kept per connection, it is ~1 KiB of objects each.
      certificate: withCertificate || policies.some((p) => certificateAware.has(p)) ? certificateFacts(certificate.certificatePem).fields : undefined,
      connectAttributes: context.connectAttributes,
      lastWillTopic: context.lastWillTopic,
    };
    return { generation, policies, context: policyContext, active, thingName: thing?.thingName };
  }

  return {
    events: deps.events,
    evaluations: () => evaluations,
    policyState: (context) => load(context, true),
    compiledVersion,
    cachedPolicies,

    async authenticate(certificate): Promise<DeviceIdentity | undefined> {
      const certificateId = typeof certificate === 'string' ? certificate.toLowerCase() : certificateIdOf(certificate);
      const found = await deps.certificates.get(certificateId);
      if (found === undefined) return undefined;
      const ca = found.caCertificateId === undefined ? undefined : await deps.certificates.getCa(found.caCertificateId);
      const things = await deps.certificates.thingsOfPrincipal(certificateId, { limit: 250 });
      return { certificateId, status: found.status, caCertificateId: found.caCertificateId, caStatus: ca?.status, thingNames: things.items };
    },

    async openConnection(context): Promise<ConnectionAuthorizer> {
      return new ConnectionPolicy(context, await load(context), shared);
    },
  };
}
