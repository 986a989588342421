import type { AuditResourceType, AuditSeverity } from '../../model/index.js';
import type { AuditCheck } from './types.js';

/** A check that needs a service Vigil does not have (Cognito identity pools, IAM role aliases): it always reports AUDIT_CHECK_DISABLED. */
export function unavailableCheck(name: string, severity: AuditSeverity, resourceType: AuditResourceType, reasonCodes: readonly string[], why: string): AuditCheck {
  return {
    name,
    severity,
    resourceType,
    reasonCodes,
    mitigations: [],
    unavailable: why,
    async run() {
      return { totalResourcesCount: 0, findings: [] };
    },
  };
}
