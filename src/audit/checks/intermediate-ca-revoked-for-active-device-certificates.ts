import type { CaCertificate } from '../../model/index.js';
import { normalSerial, type CrlRevocation } from './inventory.js';
import { deviceCert, inUse, type AuditCheck } from './types.js';

/** Device certificates in use whose issuing (intermediate) CA is revoked on the CRL of the CA above it. */
export const intermediateCaRevokedCheck: AuditCheck = {
  name: 'INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK',
  severity: 'CRITICAL',
  resourceType: 'DEVICE_CERTIFICATE',
  reasonCodes: ['INTERMEDIATE_CA_REVOKED_BY_ISSUER'],
  mitigations: ['UPDATE_DEVICE_CERTIFICATE', 'ADD_THINGS_TO_THING_GROUP'],
  async run(context) {
    const certs = (await context.inventory.certificates()).filter((c) => inUse(c.status));
    const revocations = await context.inventory.revocations();
    // Which registered CAs are revoked by the CA that issued them.
    const revokedCas = new Map<string, { ca: CaCertificate; entry: CrlRevocation; subject: string; serial: string }>();
    if (revocations.size > 0) {
      for (const ca of await context.inventory.caCertificates()) {
        const parsed = context.inventory.parse(ca.certificateId, ca.certificatePem);
        const issuer = await context.inventory.issuerOf(ca.certificateId, ca.certificatePem);
        if (parsed === undefined || issuer === undefined) continue;
        const entry = revocations.get(issuer.certificateId)?.get(normalSerial(parsed.node.serialNumber));
        if (entry !== undefined) revokedCas.set(ca.certificateId, { ca, entry, subject: parsed.node.subject.replace(/\n/g, ', '), serial: normalSerial(parsed.node.serialNumber) });
      }
    }
    const findings = [];
    for (const c of certs) {
      const revoked = c.caCertificateId === undefined ? undefined : revokedCas.get(c.caCertificateId);
      if (revoked === undefined) continue;
      findings.push({
        resource: deviceCert(c.certificateId),
        related: [{ resourceType: 'ISSUER_CERTIFICATE' as const, resourceIdentifier: { issuerCertificateIdentifier: { issuerCertificateSubject: revoked.subject, issuerId: revoked.ca.certificateId, issuerCertificateSerialNumber: revoked.serial } }, additionalInfo: { REVOCATION_TIME: String(revoked.entry.revokedAt) } }],
        reasonCode: 'INTERMEDIATE_CA_REVOKED_BY_ISSUER',
        reason: 'The intermediate CA that issued this active certificate is revoked by its issuer.',
      });
    }
    return { totalResourcesCount: certs.length, findings };
  },
};
