import { arns } from '../../protocol/index.js';
import { coversAction, coversResource, requiresAttachedThing, statementsOf, type Statement } from './policy-statements.js';
import type { AuditCheck } from './types.js';

const OTHER = 'vigil-audit-other-thing';
const SELF = 'vigil-audit-this-thing';

/**
 * Probes: an action on a resource that belongs to another device (device-defender.md §6.3). A policy
 * whose Allow statements grant any probe is too broad. iot:Receive is never probed (bounded by Subscribe).
 */
const PROBES: ReadonlyArray<{ actions: readonly string[]; resources: readonly string[] }> = [
  { actions: ['iot:Connect'], resources: [`client/${OTHER}`] },
  { actions: ['iot:Publish'], resources: [`topic/$aws/things/${OTHER}/shadow/update`, `topic/$aws/things/${OTHER}/jobs/get`] },
  { actions: ['iot:Subscribe'], resources: [`topicfilter/$aws/things/${OTHER}/shadow/update`, 'topicfilter/$aws/things/#', 'topicfilter/$aws/things/+/shadow/update', `topicfilter/$aws/things/${OTHER}/jobs/notify`] },
  { actions: ['iot:DeleteThingShadow', 'iot:GetThingShadow', 'iot:UpdateThingShadow', 'iot:DescribeJobExecution', 'iot:GetPendingJobExecutions', 'iot:StartNextPendingJobExecution', 'iot:UpdateJobExecution'], resources: [`thing/${OTHER}`] },
];

/**
 * Replaces policy variables the way the check judges breadth [INFER, §11.12]: thing- and
 * certificate-scoped variables name this device; `${iot:ClientId}` does too when the statement
 * requires an attached thing, and is anything otherwise (the client chooses it).
 */
export function resolveVariables(pattern: string, statement: Statement): string {
  const attached = requiresAttachedThing(statement);
  return pattern.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name === '*' || name === '?' || name === '$') return whole;
    if (name.toLowerCase() === 'iot:clientid') return attached ? SELF : '*';
    return SELF;
  });
}

/** The probes (action on resource) an Allow statement of the document grants and no Deny takes away. */
export function broadGrants(document: string, region: string, accountId: string): string[] {
  const statements = statementsOf(document);
  const arn = arns(region, accountId).iot;
  const hits: string[] = [];
  for (const probe of PROBES) {
    for (const action of probe.actions) {
      for (const resource of probe.resources) {
        const target = arn(resource);
        const granted = statements.some((s) => s.effect === 'Allow' && coversAction(s, action) && coversResource(s, target, (p) => resolveVariables(p, s)));
        const denied = statements.some((s) => s.effect === 'Deny' && coversAction(s, action) && coversResource(s, target, (p) => resolveVariables(p, s)));
        if (granted && !denied) hits.push(`${action} ${resource}`);
      }
    }
  }
  return hits;
}

/** Policies whose default version lets a device act on other devices' resources. */
export const iotPolicyOverlyPermissiveCheck: AuditCheck = {
  name: 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK',
  severity: 'CRITICAL',
  resourceType: 'IOT_POLICY',
  reasonCodes: ['ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS'],
  mitigations: ['REPLACE_DEFAULT_POLICY_VERSION'],
  async run(context) {
    const policies = await context.inventory.policies();
    const findings = policies.flatMap((p) => {
      const hits = broadGrants(p.document, context.region, context.accountId);
      if (hits.length === 0) return [];
      return [{
        resource: { resourceType: 'IOT_POLICY' as const, resourceIdentifier: { policyVersionIdentifier: { policyName: p.policyName, policyVersionId: p.versionId } } },
        reasonCode: 'ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS',
        reason: `Policy allows broad access to IoT data plane actions: ${hits.slice(0, 5).join(', ')}${hits.length > 5 ? ', …' : ''}.`,
      }];
    });
    return { totalResourcesCount: policies.length, findings };
  },
};
