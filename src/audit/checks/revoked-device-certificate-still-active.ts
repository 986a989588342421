import { normalSerial } from './inventory.js';
import { deviceCert, inUse, type AuditCheck } from './types.js';

/** Device certificates on their CA's registered CRL but still in use in the registry. */
export const revokedDeviceCertificateStillActiveCheck: AuditCheck = {
  name: 'REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK',
  severity: 'MEDIUM',
  resourceType: 'DEVICE_CERTIFICATE',
  reasonCodes: ['CERTIFICATE_REVOKED_BY_ISSUER'],
  mitigations: ['UPDATE_DEVICE_CERTIFICATE', 'ADD_THINGS_TO_THING_GROUP'],
  async run(context) {
    const certs = (await context.inventory.certificates()).filter((c) => inUse(c.status));
    const revocations = await context.inventory.revocations();
    const findings = [];
    for (const c of certs) {
      const ca = c.caCertificateId === undefined ? undefined : revocations.get(c.caCertificateId);
      const entry = ca?.get(normalSerial(c.serialNumber));
      if (entry === undefined) continue;
      findings.push({ resource: { ...deviceCert(c.certificateId), additionalInfo: { REVOCATION_TIME: String(entry.revokedAt) } }, reasonCode: 'CERTIFICATE_REVOKED_BY_ISSUER', reason: 'Certificate is on its issuer\'s CRL but still active.' });
    }
    return { totalResourcesCount: certs.length, findings };
  },
};
