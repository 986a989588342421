import { caCertificateExpiringCheck } from './ca-certificate-expiring.js';
import { caCertificateKeyQualityCheck } from './ca-certificate-key-quality.js';
import { conflictingClientIdsCheck } from './conflicting-client-ids.js';
import { deviceCertificateAgeCheck } from './device-certificate-age.js';
import { deviceCertificateExpiringCheck } from './device-certificate-expiring.js';
import { deviceCertificateKeyQualityCheck } from './device-certificate-key-quality.js';
import { deviceCertificateSharedCheck } from './device-certificate-shared.js';
import { intermediateCaRevokedCheck } from './intermediate-ca-revoked-for-active-device-certificates.js';
import { iotPolicyOverlyPermissiveCheck } from './iot-policy-overly-permissive.js';
import { iotPolicyPotentialMisconfigurationCheck } from './iot-policy-potential-misconfiguration.js';
import { loggingDisabledCheck } from './logging-disabled.js';
import { plainHttpListenerCheck } from './plain-http-listener.js';
import { plainMqttListenerCheck } from './plain-mqtt-listener.js';
import { revokedCaCertificateStillActiveCheck } from './revoked-ca-certificate-still-active.js';
import { revokedDeviceCertificateStillActiveCheck } from './revoked-device-certificate-still-active.js';
import type { AuditCheck } from './types.js';
import { unavailableCheck } from './unavailable-check.js';

const NO_COGNITO = 'Vigil has no Cognito identity pools: devices authenticate with X.509 certificates only.';
const NO_ROLE_ALIASES = 'Vigil has no IAM role aliases or credentials provider: IAM roles in requests are stored but grant nothing.';

/** Every audit check, one row each (device-defender.md §6.2). Adding a check = a file and a row. */
export const AUDIT_CHECKS: readonly AuditCheck[] = [
  caCertificateExpiringCheck,
  caCertificateKeyQualityCheck,
  deviceCertificateExpiringCheck,
  deviceCertificateKeyQualityCheck,
  deviceCertificateSharedCheck,
  deviceCertificateAgeCheck,
  revokedDeviceCertificateStillActiveCheck,
  revokedCaCertificateStillActiveCheck,
  intermediateCaRevokedCheck,
  conflictingClientIdsCheck,
  iotPolicyOverlyPermissiveCheck,
  iotPolicyPotentialMisconfigurationCheck,
  unavailableCheck('UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK', 'CRITICAL', 'COGNITO_IDENTITY_POOL', ['ALLOWS_ACCESS_TO_IOT_ADMIN_ACTIONS', 'ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS'], NO_COGNITO),
  unavailableCheck('AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK', 'CRITICAL', 'COGNITO_IDENTITY_POOL', ['ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS', 'ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS', 'ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS'], NO_COGNITO),
  unavailableCheck('IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK', 'CRITICAL', 'ROLE_ALIAS', ['ALLOWS_BROAD_ACCESS_TO_USED_SERVICES', 'ALLOWS_ACCESS_TO_SECURITY_AUDITING_SERVICES', 'ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS', 'ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS', 'ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS', 'ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS'], NO_ROLE_ALIASES),
  unavailableCheck('IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK', 'MEDIUM', 'ROLE_ALIAS', ['ALLOWS_ACCESS_TO_UNUSED_SERVICES'], NO_ROLE_ALIASES),
  loggingDisabledCheck,
  // Vigil's own (no AWS counterpart): how this server listens.
  plainMqttListenerCheck,
  plainHttpListenerCheck,
];

export function findCheck(name: string): AuditCheck | undefined {
  return AUDIT_CHECKS.find((c) => c.name === name);
}

export type { AuditCheck, CheckContext, CheckResult, FindingDraft, ServiceExposure, Window } from './types.js';
export { createInventory, type Inventory } from './inventory.js';
export { loadBlocklists, debianFingerprint, type WeakKeyBlocklist } from './key-quality.js';
export { hasRocaFingerprint, ROCA_PRIMORIAL, ROCA_GENERATOR } from './roca.js';
