import { attemptAsync, pages, type Clock, type Timer } from '../core/index.js';
import { BLANK_POLICY_DOCUMENT, createAudit, iotLogging, type Audit } from '../audit/index.js';
import { isLoopbackHost, parseListen, tlsEnabled } from '../config/index.js';
import type { AuditRegistryActions, ConnectionHistoryReader, Notifier } from '../model/index.js';
import type { ServiceExposure } from '../audit/index.js';
import { fetchExternalCrls, type Registry } from '../registry/index.js';
import { auditRepository, certificateRepository, detectMitigationRepository, policyRepository, type RegistryDb } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { VigilConfig } from './config-schema.js';

/**
 * Builds the audit over the registry database. Mitigation actions change the registry through its
 * services (so the broker hears certificate-status changes and drops connections); action
 * definitions are read from the store detect's CRUD writes; the audit notification and
 * PUBLISH_FINDING_TO_SNS go through `notifier`. `connections` is the broker's connection history.
 */
export function wireAudit(input: { config: VigilConfig; registry: RegistryDb; engine: Registry; notifier: Notifier; connections?: ConnectionHistoryReader | undefined; clock: Clock; timer: Timer; telemetry: Telemetry }): Audit {
  const certificates = certificateRepository(input.registry);
  // IoT logging is this process's log: the audit reads and sets the level of the shared logger.
  const logging = iotLogging(auditRepository(input.registry), input.telemetry.log);
  const audit = createAudit({
    store: logging.store,
    exposure: exposureOf(input.config),
    beforeTask: input.config.audit.fetch_crls ? () => fetchExternalCrls(certificates, input.engine.certificates, input.telemetry.child('audit'), { timeoutMs: input.config.audit.crl_fetch_timeout_secs * 1000, maxBytes: input.config.audit.crl_max_bytes, now: () => input.clock.now() }) : undefined,
    certificates,
    policies: policyRepository(input.registry),
    connections: input.connections,
    notifier: input.notifier,
    clock: input.clock,
    timer: input.timer,
    telemetry: input.telemetry.child('audit'),
    config: input.config.audit,
    region: input.config.region,
    accountId: input.config.account_id,
    mitigationActions: detectMitigationRepository(input.registry),
    registryActions: registryActions(input.engine, certificates),
  });
  return { ...audit, components: [logging.component, ...audit.components] };
}

/** The listeners this configuration opens without TLS (the audit's Vigil-specific listener checks). */
export function exposureOf(config: VigilConfig): ServiceExposure {
  const plainHttp = [
    { name: 'api', listen: config.api.listen, tls: config.api.tls },
    { name: 'hec', listen: config.hec.listen, tls: config.hec.tls },
  ].filter((l) => !tlsEnabled(l.tls) && !isLoopbackHost(parseListen(l.listen).host)).map((l) => ({ name: l.name, address: l.listen }));
  return { plainMqtt: config.mqtt.plain_listen, plainHttp };
}

export function registryActions(registry: Registry, certificates: ReturnType<typeof certificateRepository>): AuditRegistryActions {
  return {
    deactivateCertificate: (id) => attemptAsync(() => registry.certificates.updateCertificate(id, 'INACTIVE')),
    deactivateCaCertificate: (id) => attemptAsync(() => registry.certificates.updateCaCertificate(id, { newStatus: 'INACTIVE' })),
    thingsOfCertificate: (id) => pages((cursor) => certificates.thingsOfPrincipal(id, { limit: 250, cursor })),
    addThingToGroup: (group, thing) => attemptAsync(() => registry.things.addThingToGroup(group, thing)),
    replaceDefaultPolicyVersionWithBlank: (policyName) => attemptAsync(async () => void (await registry.policies.replaceDefaultVersion(policyName, BLANK_POLICY_DOCUMENT))),
  };
}
