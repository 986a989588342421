import { DAY_MS, daysSetting, deviceCert, inUse, type AuditCheck } from './types.js';

/** The expiring checks' verdict: past, within the threshold, or fine. */
export function expiry(notAfter: number, now: number, thresholdMs: number): { reasonCode: string; reason: string } | undefined {
  if (notAfter <= now) return { reasonCode: 'CERTIFICATE_PAST_EXPIRATION', reason: 'Certificate is past its expiration.' };
  if (notAfter - now <= thresholdMs) return { reasonCode: 'CERTIFICATE_APPROACHING_EXPIRATION', reason: 'Certificate is approaching its expiration.' };
  return undefined;
}

/** Device certificates in use expiring within CERT_EXPIRATION_THRESHOLD_IN_DAYS (default 30) or expired. */
export const deviceCertificateExpiringCheck: AuditCheck = {
  name: 'DEVICE_CERTIFICATE_EXPIRING_CHECK',
  severity: 'MEDIUM',
  resourceType: 'DEVICE_CERTIFICATE',
  reasonCodes: ['CERTIFICATE_APPROACHING_EXPIRATION', 'CERTIFICATE_PAST_EXPIRATION'],
  mitigations: ['UPDATE_DEVICE_CERTIFICATE', 'ADD_THINGS_TO_THING_GROUP'],
  async run(context) {
    const threshold = daysSetting(context.settings, 'CERT_EXPIRATION_THRESHOLD_IN_DAYS', 30) * DAY_MS;
    const certs = (await context.inventory.certificates()).filter((c) => inUse(c.status));
    const findings = certs.flatMap((c) => {
      const problem = expiry(c.notAfter, context.now, threshold);
      return problem === undefined ? [] : [{ resource: { ...deviceCert(c.certificateId), additionalInfo: { EXPIRATION_TIME: String(c.notAfter) } }, ...problem }];
    });
    return { totalResourcesCount: certs.length, findings };
  },
};
