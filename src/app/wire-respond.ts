import { VigilError, attemptAsync, err, isRetryableStatus, ok, pages, type Clock, type Result, type Timer } from '../core/index.js';
import type { Audit } from '../audit/index.js';
import type { Detect } from '../detect/index.js';
import type { Ingress } from '../ingress/index.js';
import type { DeviceConnections, Notifier, RespondOutlets, RespondRegistry } from '../model/index.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from '../notify/index.js';
import type { Registry } from '../registry/index.js';
import { RespondEngine } from '../respond/index.js';
import { auditRepository, certificateRepository, playbookRepository, type RegistryDb } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { registryActions } from './wire-audit.js';

/** The policy a quarantine group gets: it denies every IoT action, so an explicit Deny outweighs the device's own Allow. */
export const QUARANTINE_POLICY_DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iot:*', Resource: '*' }] });

const WEBHOOK_TIMEOUT_MS = 10_000;

export interface RespondWiring {
  readonly engine: RespondEngine;
  /** Hands the alert engine's firings to the playbooks. */
  alertFired(search: string, rows: ReadonlyArray<Readonly<Record<string, string | readonly string[]>>>): void;
  /** Subscribes to detect's violation events and audit's finished tasks; returns the unsubscribe. */
  listen(): () => void;
}

/**
 * Builds the playbook engine over the registry database. Steps change the registry through its
 * services (the same path as audit mitigation: the broker hears certificate-status and membership
 * changes and drops or re-checks connections), disconnect through the broker, start audits through
 * the audit engine, publish through notify, and sign webhooks like notify's (`webhookSecret`).
 */
export function wireRespond(input: { registry: RegistryDb; engine: Registry; ingress: Ingress; audit: Audit; detect: Detect; notifier: Notifier; webhookSecret: string; consoleUrl: () => string | undefined; clock: Clock; timer: Timer; telemetry: Telemetry }): RespondWiring {
  const telemetry = input.telemetry.child('respond');
  const certificates = certificateRepository(input.registry);
  const engine = new RespondEngine({
    store: playbookRepository(input.registry),
    ports: { registry: respondRegistry(input.engine, certificates), connections: deviceConnections(input.ingress), outlets: outlets(input) },
    clock: input.clock,
    timer: input.timer,
    telemetry,
    consoleUrl: input.consoleUrl,
  });
  const findings = auditRepository(input.registry);
  const contained = (stage: string, work: Promise<unknown>): void => {
    void work.catch((error: unknown) => telemetry.emit('component_error', { component: 'respond', code: 'playbook_step.crashed', stage }, { err: error }));
  };
  return {
    engine,
    alertFired: (search, rows) => contained('alert', engine.alertFired(search, rows)),
    listen() {
      const stopViolations = input.detect.recorder.onEvent((recorded) => contained('violation', engine.violationEvent(recorded.violation, recorded.event.eventType, recorded.event.time)));
      const stopTasks = input.audit.engine.onTaskFinished((task) => {
        if (task.taskStatus !== 'COMPLETED') return;
        contained('audit', (async () => engine.findings(await pages((cursor) => findings.listFindings({ limit: 250, cursor, taskId: task.taskId, suppressed: false }))))());
      });
      return () => {
        stopViolations();
        stopTasks();
      };
    },
  };
}

/** Audit mitigation's registry actions, plus what quarantine and undo need. */
export function respondRegistry(registry: Registry, certificates: ReturnType<typeof certificateRepository>): RespondRegistry {
  const shared = registryActions(registry, certificates);
  return {
    thingsOfCertificate: shared.thingsOfCertificate,
    addThingToGroup: shared.addThingToGroup,
    certificatesOfThing: (thing) => attemptAsync(async () => {
      await registry.things.describeThing(thing);
      return pages((cursor) => certificates.principalsOfThing(thing, { limit: 250, cursor }));
    }),
    async certificateStatus(id) {
      const found = await certificates.get(id);
      return found === undefined ? err(new VigilError('certificate.not_found', `no certificate with id ${id}`)) : ok(found.status);
    },
    setCertificateStatus: (id, status) => attemptAsync(() => registry.certificates.updateCertificate(id, status)),
    groupsOfThing: (thing) => attemptAsync(async () => {
      await registry.things.describeThing(thing);
      const groups = await pages((cursor) => registry.things.listGroupsForThing(thing, { nextToken: cursor, maxResults: 250 }).then((p) => ({ items: p.items.map((g) => g.groupName), next: p.nextToken })));
      return groups;
    }),
    removeThingFromGroup: (group, thing) => attemptAsync(() => registry.things.removeThingFromGroup(group, thing)),
    ensureQuarantineGroup: (group, policy) => attemptAsync(async () => {
      if (!(await registry.things.groupExists(group))) await registry.things.createGroup({ groupName: group, description: 'Vigil playbook quarantine: its policy denies every IoT action' });
      if (!(await policyExists(registry, policy))) await registry.policies.createPolicy(policy, QUARANTINE_POLICY_DOCUMENT);
      await registry.policies.attachPolicy(policy, registry.arns.thingGroup(group));
    }),
  };
}

async function policyExists(registry: Registry, name: string): Promise<boolean> {
  const found = await attemptAsync(() => registry.policies.getPolicy(name));
  if (found.ok) return true;
  if (found.error.code === 'policy.not_found') return false;
  throw found.error;
}

function deviceConnections(ingress: Ingress): DeviceConnections {
  return { disconnect: async (thing, reason) => ingress.disconnect(thing, reason) };
}

function outlets(input: { audit: Audit; notifier: Notifier; webhookSecret: string; clock: Clock }): RespondOutlets {
  return {
    startAudit: (checks) => input.audit.engine.startOnDemandTask(checks),
    async publish(topic, message, subject): Promise<Result<void>> {
      const published = await input.notifier.publish(topic, message, subject);
      return published.ok ? ok(undefined) : published;
    },
    async postWebhook(url, body): Promise<Result<void>> {
      const timestamp = Math.floor(input.clock.now() / 1000);
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signWebhook(input.webhookSecret, timestamp, body) },
          body,
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        await response.arrayBuffer();
        if (response.ok) return ok(undefined);
        // A 4xx other than 408/429 is the receiver refusing: another attempt cannot help.
        return err(new VigilError(isRetryableStatus(response.status) ? 'playbook_step.failed' : 'playbook_step.refused', `POST ${url} answered HTTP ${response.status}`));
      } catch (error) {
        return err(new VigilError('playbook_step.failed', `POST ${url} failed: ${error instanceof Error ? error.message : String(error)}`));
      }
    },
  };
}
