import { VigilError, err, ok, type Result } from '../../core/index.js';
import type { AuditFinding, AuditLoggingOptions, AuditRegistryActions, AuditStore, MitigationAction, MitigationActionType, Notifier } from '../../model/index.js';
import { findingJson } from '../wire.js';

export interface ActionPorts {
  readonly registry: AuditRegistryActions;
  readonly store: AuditStore;
  readonly notifier: Notifier | undefined;
  readonly accountId: string;
}

type Executor = (action: MitigationAction, finding: AuditFinding, ports: ActionPorts, taskId: string) => Promise<Result<string | undefined>>;

function param(action: MitigationAction, member: string): Record<string, unknown> {
  const value = action.params[member];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function deviceCertificateOf(finding: AuditFinding): Result<string> {
  const id = finding.nonCompliantResource.resourceIdentifier.deviceCertificateId;
  if (id === undefined) return err(new VigilError('audit.mitigation_invalid_target', 'the finding names no device certificate'));
  return ok(id.replace(/^0x/i, ''));
}

const done = (outcome: Result<void>, message?: string): Result<string | undefined> => (outcome.ok ? ok(message) : outcome);

/**
 * What each mitigation action type does to one finding (device-defender.md §7.1); one row each.
 * An executor resolves with an optional message, or an error (the execution FAILS with its code).
 */
export const ACTION_EXECUTORS: Readonly<Record<MitigationActionType, Executor>> = {
  async UPDATE_DEVICE_CERTIFICATE(_action, finding, ports) {
    const id = deviceCertificateOf(finding);
    if (!id.ok) return id;
    // The registry publishes a certificate_status change: the broker drops the device's connections at once.
    return done(await ports.registry.deactivateCertificate(id.value));
  },
  async UPDATE_CA_CERTIFICATE(_action, finding, ports) {
    const id = finding.nonCompliantResource.resourceIdentifier.caCertificateId;
    if (id === undefined) return err(new VigilError('audit.mitigation_invalid_target', 'the finding names no CA certificate'));
    return done(await ports.registry.deactivateCaCertificate(id));
  },
  async ADD_THINGS_TO_THING_GROUP(action, finding, ports) {
    const groups = param(action, 'addThingsToThingGroupParams')['thingGroupNames'];
    const id = deviceCertificateOf(finding);
    if (!id.ok) return id;
    const things = await ports.registry.thingsOfCertificate(id.value);
    for (const group of Array.isArray(groups) ? groups : []) {
      for (const thing of things) {
        const added = await ports.registry.addThingToGroup(String(group), thing);
        if (!added.ok) return added;
      }
    }
    return ok(things.length === 0 ? 'no thing is attached to the certificate' : undefined);
  },
  async REPLACE_DEFAULT_POLICY_VERSION(_action, finding, ports) {
    const name = finding.nonCompliantResource.resourceIdentifier.policyVersionIdentifier?.policyName;
    if (name === undefined) return err(new VigilError('audit.mitigation_invalid_target', 'the finding names no policy'));
    return done(await ports.registry.replaceDefaultPolicyVersionWithBlank(name));
  },
  async ENABLE_IOT_LOGGING(action, _finding, ports) {
    const p = param(action, 'enableIoTLoggingParams');
    const options: AuditLoggingOptions = { roleArn: String(p['roleArnForLogging'] ?? ''), defaultLogLevel: (p['logLevel'] as AuditLoggingOptions['defaultLogLevel'] | undefined) ?? 'ERROR', disableAllLogs: false };
    await ports.store.putLogging(options);
    return ok(undefined);
  },
  async PUBLISH_FINDING_TO_SNS(action, finding, ports, taskId) {
    const topic = String(param(action, 'publishFindingToSnsParams')['topicArn'] ?? '');
    if (ports.notifier === undefined) return err(new VigilError('audit.mitigation_unavailable', 'no notifier is wired in this process'));
    // Open question §11.8: the payload is Vigil's choice (documented in docs/audit.md).
    const message = { accountId: ports.accountId, taskId, actionName: action.name, finding: findingJson(finding, Number.MAX_SAFE_INTEGER) };
    const published = await ports.notifier.publish(topic, JSON.stringify(message), `Audit finding ${finding.checkName}`);
    return published.ok ? ok(undefined) : published;
  },
};
