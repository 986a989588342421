import { DAY_MS, caCert, type AuditCheck } from './types.js';
import { expiry } from './device-certificate-expiring.js';

/** CA certificates (ACTIVE) expiring within 30 days or expired. */
export const caCertificateExpiringCheck: AuditCheck = {
  name: 'CA_CERTIFICATE_EXPIRING_CHECK',
  severity: 'MEDIUM',
  resourceType: 'CA_CERTIFICATE',
  reasonCodes: ['CERTIFICATE_APPROACHING_EXPIRATION', 'CERTIFICATE_PAST_EXPIRATION'],
  mitigations: ['UPDATE_CA_CERTIFICATE'],
  async run(context) {
    const cas = (await context.inventory.caCertificates()).filter((c) => c.status === 'ACTIVE');
    const findings = cas.flatMap((c) => {
      const problem = expiry(c.notAfter, context.now, 30 * DAY_MS);
      return problem === undefined ? [] : [{ resource: { ...caCert(c.certificateId), additionalInfo: { EXPIRATION_TIME: String(c.notAfter) } }, ...problem }];
    });
    return { totalResourcesCount: cas.length, findings };
  },
};
