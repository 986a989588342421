import { KEY_QUALITY_CODES, keyProblems } from './key-quality.js';
import { caCert, type AuditCheck } from './types.js';

/** ACTIVE CA certificates whose key is ROCA-fingerprinted, Debian-weak, short RSA or on an unsupported curve. */
export const caCertificateKeyQualityCheck: AuditCheck = {
  name: 'CA_CERTIFICATE_KEY_QUALITY_CHECK',
  severity: 'CRITICAL',
  resourceType: 'CA_CERTIFICATE',
  reasonCodes: KEY_QUALITY_CODES,
  mitigations: ['UPDATE_CA_CERTIFICATE'],
  async run(context) {
    const cas = (await context.inventory.caCertificates()).filter((c) => c.status === 'ACTIVE');
    const findings = cas.flatMap((c) => {
      const parsed = context.inventory.parse(c.certificateId, c.certificatePem);
      return parsed === undefined ? [] : keyProblems(parsed.key, context.weakKeys).map((p) => ({ resource: caCert(c.certificateId), reasonCode: p.code, reason: p.reason }));
    });
    return { totalResourcesCount: cas.length, findings };
  },
};
