import { KEY_QUALITY_CODES, keyProblems } from './key-quality.js';
import { deviceCert, inUse, type AuditCheck } from './types.js';

/** Device certificates in use whose key is ROCA-fingerprinted, Debian-weak, short RSA or on an unsupported curve. */
export const deviceCertificateKeyQualityCheck: AuditCheck = {
  name: 'DEVICE_CERTIFICATE_KEY_QUALITY_CHECK',
  severity: 'CRITICAL',
  resourceType: 'DEVICE_CERTIFICATE',
  reasonCodes: KEY_QUALITY_CODES,
  mitigations: ['UPDATE_DEVICE_CERTIFICATE', 'ADD_THINGS_TO_THING_GROUP'],
  async run(context) {
    const certs = (await context.inventory.certificates()).filter((c) => inUse(c.status));
    const findings = certs.flatMap((c) => {
      const parsed = context.inventory.parse(c.certificateId, c.certificatePem);
      return parsed === undefined ? [] : keyProblems(parsed.key, context.weakKeys).map((p) => ({ resource: deviceCert(c.certificateId), reasonCode: p.code, reason: p.reason }));
    });
    return { totalResourcesCount: certs.length, findings };
  },
};
