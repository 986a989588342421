import { randomUUID } from 'node:crypto';
import { VigilError } from '../core/index.js';
import type { Policy, PolicyTarget, PolicyVersion } from '../model/index.js';
import { arns, parseTarget } from '../protocol/index.js';
import { foreignArnError, foreignArns, rewriteForeignArns, type ForeignArn } from './policy/account-arns.js';
import { compilePolicy } from './policy/document.js';
import type { CertificatesService } from './certificates-service.js';
import { pageRequest, tokenOf, checkPolicyName, type RegistryDeps } from './support.js';
import type { Listed, ThingsService } from './things-service.js';

/** AWS: a policy keeps at most 5 versions. */
export const MAX_POLICY_VERSIONS = 5;

export type PoliciesService = ReturnType<typeof policiesService>;

/** The built-in device policy: reference-pipeline.md §1, with this server's region and account. */
export function defaultDevicePolicy(region: string, accountId: string): string {
  const iot = arns(region, accountId).iot;
  const thing = '${iot:Connection.Thing.ThingName}';
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iot:Connect', Resource: iot(`client/${thing}`) },
        { Effect: 'Allow', Action: 'iot:Publish', Resource: iot(`topic/$aws/things/${thing}/defender/*`) },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: iot(`topicfilter/$aws/things/${thing}/defender/*`) },
        { Effect: 'Allow', Action: 'iot:Receive', Resource: iot(`topic/$aws/things/${thing}/defender/*`) },
      ],
    },
    null,
    2,
  );
}

/** Policies, versions and attachments (CreatePolicy … ListTargetsForPolicy). */
export function policiesService(deps: RegistryDeps, thingsService: ThingsService, certificatesService: CertificatesService) {
  const { policies } = deps;
  const changed = (resource: string, operation: string, fields: Record<string, unknown>) => deps.telemetry.emit('registry_changed', { resource, operation }, fields);

  async function requirePolicy(policyName: string): Promise<Policy> {
    const policy = await policies.get(policyName);
    if (policy === undefined) throw new VigilError('policy.not_found', `no policy named ${policyName}`, { hint: 'list policies with `vigil policy list`' });
    return policy;
  }

  async function requireVersion(policyName: string, versionId: string): Promise<PolicyVersion> {
    const version = await policies.getVersion(policyName, versionId);
    if (version === undefined) throw new VigilError('policy.not_found', `policy ${policyName} has no version ${versionId}`);
    return version;
  }

  /**
   * Validates a new document; ARNs naming another region or account are refused, or rewritten to
   * this server's when `rewriteArns` is set (the rewritten ones are reported).
   */
  function validate(policyName: string, document: string, rewriteArns: boolean): { document: string; rewrittenArns: ForeignArn[] } {
    const compiled = compilePolicy(policyName, '0', document);
    if (!compiled.ok) throw compiled.error;
    const account = { region: deps.region, accountId: deps.accountId };
    if (rewriteArns) {
      const rewritten = rewriteForeignArns(document, account);
      if (rewritten.rewritten.length > 0) {
        const again = compilePolicy(policyName, '0', rewritten.document);
        if (!again.ok) throw again.error;
      }
      return { document: rewritten.document, rewrittenArns: rewritten.rewritten };
    }
    const found = foreignArns(document, account);
    if (found.length > 0) throw foreignArnError(found, account);
    return { document, rewrittenArns: [] };
  }

  async function requireTarget(target: PolicyTarget): Promise<void> {
    if (target.kind === 'cert') await certificatesService.requireCertificate(target.id);
    else await thingsService.requireGroup(target.id);
  }

  return {
    requirePolicy,

    async createPolicy(policyName: string, text: string, options: { rewriteArns?: boolean | undefined } = {}): Promise<{ policy: Policy; version: PolicyVersion; rewrittenArns: ForeignArn[] }> {
      checkPolicyName(policyName);
      const { document, rewrittenArns } = validate(policyName, text, options.rewriteArns === true);
      const now = deps.clock.now();
      if (!(await policies.create(policyName, document, now, randomUUID()))) throw new VigilError('policy.already_exists', `policy ${policyName} already exists`, { hint: 'add a version with CreatePolicyVersion' });
      changed('policy', 'create', { policyName, ...(rewrittenArns.length > 0 ? { rewrittenArns: rewrittenArns.length } : {}) });
      return { policy: await requirePolicy(policyName), version: await requireVersion(policyName, '1'), rewrittenArns };
    },

    /** Creates the built-in device policy unless a policy of that name exists. */
    async ensureDefaultPolicy(): Promise<boolean> {
      const name = deps.config.default_policy;
      if ((await policies.get(name)) !== undefined) return false;
      const created = await policies.create(name, defaultDevicePolicy(deps.region, deps.accountId), deps.clock.now(), randomUUID());
      if (created) changed('policy', 'create', { policyName: name, builtIn: true });
      return created;
    },

    async getPolicy(policyName: string): Promise<{ policy: Policy; version: PolicyVersion }> {
      const policy = await requirePolicy(policyName);
      return { policy, version: await requireVersion(policyName, policy.defaultVersionId) };
    },

    async listPolicies(query: { marker?: string | undefined; pageSize?: number | undefined; ascendingOrder?: boolean | undefined }): Promise<Listed<Policy>> {
      const page = await policies.list({ ...pageRequest(query.marker, query.pageSize), ascending: query.ascendingOrder });
      return { items: page.items, nextToken: tokenOf(page.next) };
    },

    async createPolicyVersion(policyName: string, text: string, setAsDefault: boolean, options: { rewriteArns?: boolean | undefined } = {}): Promise<{ version: PolicyVersion; isDefault: boolean; rewrittenArns: ForeignArn[] }> {
      await requirePolicy(policyName);
      const { document, rewrittenArns } = validate(policyName, text, options.rewriteArns === true);
      if ((await policies.listVersions(policyName)).length >= MAX_POLICY_VERSIONS) {
        throw new VigilError('policy.versions_limit_exceeded', `policy ${policyName} already has ${MAX_POLICY_VERSIONS} versions`, { hint: 'delete a non-default version first (DeletePolicyVersion)' });
      }
      const version = await policies.addVersion(policyName, document, setAsDefault, deps.clock.now(), randomUUID());
      if (version === undefined) throw new VigilError('policy.not_found', `no policy named ${policyName}`);
      changed('policy', 'create_version', { policyName, versionId: version.versionId });
      if (setAsDefault) deps.events.publish({ kind: 'policy', policyName });
      return { version, isDefault: setAsDefault, rewrittenArns };
    },

    /**
     * Creates `document` as the new default version; a policy already at its version limit first
     * loses its oldest non-default version (audit mitigation REPLACE_DEFAULT_POLICY_VERSION).
     */
    async replaceDefaultVersion(policyName: string, document: string): Promise<{ version: PolicyVersion; isDefault: boolean; rewrittenArns: ForeignArn[] }> {
      const { policy, versions } = await this.listPolicyVersions(policyName);
      if (versions.length >= MAX_POLICY_VERSIONS) {
        const oldest = [...versions].reverse().find((v) => v.versionId !== policy.defaultVersionId);
        if (oldest !== undefined) await this.deletePolicyVersion(policyName, oldest.versionId);
      }
      return this.createPolicyVersion(policyName, document, true);
    },

    async getPolicyVersion(policyName: string, versionId: string): Promise<{ policy: Policy; version: PolicyVersion }> {
      const policy = await requirePolicy(policyName);
      return { policy, version: await requireVersion(policyName, versionId) };
    },

    async listPolicyVersions(policyName: string): Promise<{ policy: Policy; versions: PolicyVersion[] }> {
      const policy = await requirePolicy(policyName);
      return { policy, versions: await policies.listVersions(policyName) };
    },

    async setDefaultPolicyVersion(policyName: string, versionId: string): Promise<void> {
      await requirePolicy(policyName);
      await requireVersion(policyName, versionId);
      await policies.setDefaultVersion(policyName, versionId, deps.clock.now(), randomUUID());
      changed('policy', 'set_default_version', { policyName, versionId });
      deps.events.publish({ kind: 'policy', policyName });
    },

    async deletePolicyVersion(policyName: string, versionId: string): Promise<void> {
      const policy = await requirePolicy(policyName);
      await requireVersion(policyName, versionId);
      if (policy.defaultVersionId === versionId) throw new VigilError('policy.delete_conflict', `version ${versionId} is the default version of ${policyName}`, { hint: 'set another default version first, or delete the policy' });
      await policies.deleteVersion(policyName, versionId);
      changed('policy', 'delete_version', { policyName, versionId });
    },

    async deletePolicy(policyName: string): Promise<void> {
      const policy = await requirePolicy(policyName);
      if ((await policies.targetsOf(policyName, { limit: 1 })).items.length > 0) throw new VigilError('policy.delete_conflict', `policy ${policyName} is attached to one or more targets`, { hint: 'detach it first (DetachPolicy)' });
      if ((await policies.listVersions(policyName)).some((v) => v.versionId !== policy.defaultVersionId)) {
        throw new VigilError('policy.delete_conflict', `policy ${policyName} has non-default versions`, { hint: 'delete them first (DeletePolicyVersion)' });
      }
      await policies.delete(policyName);
      await deps.tags.deleteTags(arns(deps.region, deps.accountId).policy(policyName));
      changed('policy', 'delete', { policyName });
      deps.events.publish({ kind: 'policy', policyName });
    },

    async attachPolicy(policyName: string, targetText: string): Promise<void> {
      await requirePolicy(policyName);
      const target = parseTarget(targetText);
      await requireTarget(target);
      if (await policies.attach(policyName, target, deps.clock.now())) {
        changed('policy', 'attach', { policyName, target: `${target.kind}/${target.id}` });
        deps.events.publish({ kind: 'attachment', policyName, ...(target.kind === 'cert' ? { certificateId: target.id } : { groupName: target.id }) });
      }
    },

    async detachPolicy(policyName: string, targetText: string): Promise<void> {
      await requirePolicy(policyName);
      const target = parseTarget(targetText);
      if (await policies.detach(policyName, target)) {
        changed('policy', 'detach', { policyName, target: `${target.kind}/${target.id}` });
        deps.events.publish({ kind: 'attachment', policyName, ...(target.kind === 'cert' ? { certificateId: target.id } : { groupName: target.id }) });
      }
    },

    /** Policies attached to a target; `recursive` on a thing group adds its ancestors' policies. */
    async listAttachedPolicies(targetText: string, query: { recursive?: boolean | undefined; marker?: string | undefined; pageSize?: number | undefined }): Promise<Listed<string>> {
      const target = parseTarget(targetText);
      await requireTarget(target);
      const request = pageRequest(query.marker, query.pageSize);
      if (query.recursive !== true || target.kind !== 'thinggroup') {
        const page = await policies.policiesOf(target, request);
        return { items: page.items, nextToken: tokenOf(page.next) };
      }
      const group = await thingsService.requireGroup(target.id);
      const chain = [group, ...(await thingsService.ancestors(group))];
      const names = new Set<string>();
      for (const g of chain) for (const name of (await policies.policiesOf({ kind: 'thinggroup', id: g.groupName }, { limit: 250 })).items) names.add(name);
      const all = [...names].sort().filter((n) => request.cursor === undefined || n > request.cursor);
      return { items: all.slice(0, request.limit), nextToken: all.length > request.limit ? tokenOf(all[request.limit - 1]) : undefined };
    },

    async listTargetsForPolicy(policyName: string, query: { marker?: string | undefined; pageSize?: number | undefined }): Promise<Listed<PolicyTarget>> {
      await requirePolicy(policyName);
      const page = await policies.targetsOf(policyName, pageRequest(query.marker, query.pageSize));
      return { items: page.items, nextToken: tokenOf(page.next) };
    },
  };
}
