import { arns } from '../../protocol/index.js';
import { coversAction, coversResource, statementsOf } from './policy-statements.js';
import { resolveVariables } from './iot-policy-overly-permissive.js';
import type { CheckResult, AuditCheck, FindingDraft } from './types.js';

const MQTT_WILDCARDS = 'POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT';
const BYPASS = 'TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS';

/** The misconfiguration reason codes of one policy document (device-defender.md §6.3). */
export function misconfigurations(document: string, region: string, accountId: string): Array<{ code: string; reason: string }> {
  const statements = statementsOf(document);
  const iot = arns(region, accountId).iot;
  const out: Array<{ code: string; reason: string }> = [];
  const denies = statements.filter((s) => s.effect === 'Deny' && !s.notResource);
  // + and # are literal in policies: a Deny written with them denies only that literal filter.
  const literal = denies.flatMap((s) => s.resources).filter((r) => /(topic|topicfilter)\/.*[+#]/.test(r));
  if (literal.length > 0) out.push({ code: MQTT_WILDCARDS, reason: `Deny statement uses MQTT wildcards, which are literal in policies: ${literal.join(', ')}.` });

  const allowed = (action: string, resource: string) => {
    const arn = iot(resource);
    return statements.some((s) => s.effect === 'Allow' && coversAction(s, action) && coversResource(s, arn, (p) => resolveVariables(p, s))) &&
      !statements.some((s) => s.effect === 'Deny' && coversAction(s, action) && coversResource(s, arn, (p) => resolveVariables(p, s)));
  };
  const bypassed: string[] = [];
  for (const s of denies) {
    if (!coversAction(s, 'iot:Subscribe')) continue;
    for (const resource of s.resources) {
      const match = /topicfilter\/(.+)\/\*$/.exec(resource.startsWith('arn:') ? resource.slice(resource.indexOf(':topicfilter/') + 1) : resource);
      if (match === null) continue;
      const levels = (match[1] as string).split('/');
      // A broader MQTT filter (an ancestor level + '#') that is allowed and lets the denied topics through Receive.
      for (let depth = levels.length - 1; depth >= 0; depth--) {
        const filter = [...levels.slice(0, depth), '#'].join('/');
        if (allowed('iot:Subscribe', `topicfilter/${filter}`) && allowed('iot:Receive', `topic/${match[1]}/vigil-audit-probe`)) {
          bypassed.push(`${resource} via ${filter}`);
          break;
        }
      }
    }
  }
  if (bypassed.length > 0) out.push({ code: BYPASS, reason: `Denied topic filters can be subscribed through broader allowed wildcards: ${bypassed.join(', ')}.` });
  return out;
}

/** Policies whose Deny statements do not deny what they seem to. */
export const iotPolicyPotentialMisconfigurationCheck: AuditCheck = {
  name: 'IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK',
  severity: 'MEDIUM',
  resourceType: 'IOT_POLICY',
  reasonCodes: [MQTT_WILDCARDS, BYPASS],
  mitigations: [],
  async run(context): Promise<CheckResult> {
    const policies = await context.inventory.policies();
    const findings: FindingDraft[] = policies.flatMap((p) =>
      misconfigurations(p.document, context.region, context.accountId).map((m) => ({
        resource: { resourceType: 'IOT_POLICY' as const, resourceIdentifier: { policyVersionIdentifier: { policyName: p.policyName, policyVersionId: p.versionId } } },
        reasonCode: m.code,
        reason: m.reason,
      })),
    );
    return { totalResourcesCount: policies.length, findings };
  },
};
