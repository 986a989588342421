import { Type } from 'typebox';
import { registryClient } from '../api/index.js';
import { allPages, type ResourceKind, type Spec } from './resource-kind.js';

/** A PEM or base64-DER CRL as its DER in base64, so formatting differences compare equal. */
function derOf(crl: unknown): string {
  const text = String(crl ?? '');
  const body = text.includes('-----BEGIN') ? text.replace(/-----(BEGIN|END)[^-]*-----/g, '') : text;
  return body.replace(/\s+/g, '');
}

/**
 * CRLs of external CAs registered with Vigil (the audit's revocation checks read them). An item
 * names the CA by id; applying it uploads the CRL (the server checks the CA's signature). Never
 * deleted by apply: a newer CRL replaces the old one.
 */
export const caCrls: ResourceKind = {
  key: 'ca_crls',
  label: 'CA CRL',
  nameField: 'caCertificateId',
  schema: Type.Object({ caCertificateId: Type.String({ pattern: '^[0-9a-f]{64}$' }), crl: Type.String({ minLength: 1, description: 'PEM (-----BEGIN X509 CRL-----) or base64 DER' }) }, { additionalProperties: false }),
  async list({ client }) {
    const registry = registryClient(client);
    const builtIn = (await registry.builtInCa()).caCertificateId;
    const cas = await allPages(async (marker) => {
      const page = await client.request<{ certificates?: Array<{ certificateId: string }>; nextMarker?: string }>('GET', `/cacertificates?pageSize=250${marker === undefined ? '' : `&marker=${encodeURIComponent(marker)}`}`);
      return { items: page.certificates ?? [], next: page.nextMarker };
    });
    const out: Spec[] = [];
    for (const ca of cas) {
      if (ca.certificateId === builtIn) continue;
      const stored = await registry.getCaCrl(ca.certificateId);
      if (stored.crlPem !== null) out.push({ caCertificateId: ca.certificateId, crl: stored.crlPem });
    }
    return out;
  },
  async create({ client }, spec) {
    await registryClient(client).putCaCrl(spec['caCertificateId'] as string, spec['crl'] as string);
  },
  async update({ client }, desired) {
    await registryClient(client).putCaCrl(desired['caCertificateId'] as string, desired['crl'] as string);
  },
  comparable: (spec) => ({ caCertificateId: spec['caCertificateId'], crl: derOf(spec['crl']) }),
};
