import { DAY_MS, daysSetting, deviceCert, inUse, type AuditCheck } from './types.js';

/** Device certificates in use for at least CERT_AGE_THRESHOLD_IN_DAYS (default 365) since registration. */
export const deviceCertificateAgeCheck: AuditCheck = {
  name: 'DEVICE_CERTIFICATE_AGE_CHECK',
  severity: 'LOW',
  resourceType: 'DEVICE_CERTIFICATE',
  reasonCodes: ['CERTIFICATE_PAST_AGE_THRESHOLD'],
  mitigations: ['UPDATE_DEVICE_CERTIFICATE', 'ADD_THINGS_TO_THING_GROUP'],
  async run(context) {
    const days = daysSetting(context.settings, 'CERT_AGE_THRESHOLD_IN_DAYS', 365);
    const certs = (await context.inventory.certificates()).filter((c) => inUse(c.status));
    const findings = certs
      .filter((c) => context.now - c.createdAt >= days * DAY_MS)
      .map((c) => ({
        resource: { ...deviceCert(c.certificateId), additionalInfo: { CREATION_TIME: String(c.createdAt) } },
        reasonCode: 'CERTIFICATE_PAST_AGE_THRESHOLD',
        reason: `Certificate has been active for more than ${days} days.`,
      }));
    return { totalResourcesCount: certs.length, findings };
  },
};
