import { normalSerial } from './inventory.js';
import { caCert, type AuditCheck } from './types.js';

/** ACTIVE CA certificates that the registered CA above them lists on its CRL. */
export const revokedCaCertificateStillActiveCheck: AuditCheck = {
  name: 'REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK',
  severity: 'CRITICAL',
  resourceType: 'CA_CERTIFICATE',
  reasonCodes: ['CERTIFICATE_REVOKED_BY_ISSUER'],
  mitigations: ['UPDATE_CA_CERTIFICATE'],
  async run(context) {
    const cas = (await context.inventory.caCertificates()).filter((c) => c.status === 'ACTIVE');
    const revocations = await context.inventory.revocations();
    const findings = [];
    for (const ca of cas) {
      const issuer = await context.inventory.issuerOf(ca.certificateId, ca.certificatePem);
      const parsed = context.inventory.parse(ca.certificateId, ca.certificatePem);
      if (issuer === undefined || parsed === undefined) continue;
      const entry = revocations.get(issuer.certificateId)?.get(normalSerial(parsed.node.serialNumber));
      if (entry === undefined) continue;
      findings.push({ resource: { ...caCert(ca.certificateId), additionalInfo: { REVOCATION_TIME: String(entry.revokedAt) } }, reasonCode: 'CERTIFICATE_REVOKED_BY_ISSUER', reason: 'CA certificate is on its issuer\'s CRL but still active.' });
    }
    return { totalResourcesCount: cas.length, findings };
  },
};
