import { afterEach, describe, expect, it } from 'vitest';
import type { CaCertificate, Certificate } from '../../src/model/index.js';
import { certificateRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

function cert(id: string, createdAt: number, over: Partial<Certificate> = {}): Certificate {
  return {
    certificateId: id.padEnd(64, '0'),
    caCertificateId: 'ca'.padEnd(64, '0'),
    status: 'ACTIVE',
    certificatePem: `-----BEGIN CERTIFICATE-----\n${id}\n-----END CERTIFICATE-----\n`,
    serialNumber: `0A${id}`,
    subject: `CN=${id}`,
    issuer: 'CN=Vigil CA',
    notBefore: createdAt,
    notAfter: createdAt + 86_400_000,
    createdAt,
    updatedAt: createdAt,
    customerVersion: 1,
    generationId: `gen-${id}`,
    ...over,
  };
}

const ca: CaCertificate = {
  certificateId: 'ca'.padEnd(64, '0'),
  status: 'ACTIVE',
  certificatePem: 'pem',
  autoRegistration: false,
  builtIn: true,
  notBefore: 1,
  notAfter: 2,
  createdAt: 10,
  updatedAt: 10,
  customerVersion: 1,
  generationId: 'g',
  crlPem: undefined,
};

export function certificateConformance(open: OpenRegistry): void {
  describe('certificate repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('stores certificates once, lists them by creation time both ways in pages, updates status and records revocations', async () => {
      registry = await open();
      const certs = certificateRepository(registry);
      const a = cert('a', 1000);
      expect(await certs.create(a)).toBe(true);
      expect(await certs.create(a)).toBe(false);
      await certs.create(cert('c', 1000));
      await certs.create(cert('b', 2000, { caCertificateId: undefined }));
      expect(await certs.get(a.certificateId)).toEqual(a);
      expect(await certs.get('f'.repeat(64))).toBeUndefined();
      const first = await certs.list({ limit: 2 });
      expect(first.items.map((c) => c.certificateId[0])).toEqual(['a', 'c']);
      const second = await certs.list({ limit: 2, cursor: first.next });
      expect(second.items.map((c) => c.certificateId[0])).toEqual(['b']);
      expect(second.next).toBeUndefined();
      const down = await certs.list({ limit: 2, ascending: false });
      expect(down.items.map((c) => c.certificateId[0])).toEqual(['b', 'c']);
      expect((await certs.list({ limit: 2, ascending: false, cursor: down.next })).items.map((c) => c.certificateId[0])).toEqual(['a']);
      expect((await certs.list({ limit: 10, caCertificateId: ca.certificateId })).items).toHaveLength(2);

      expect(await certs.updateStatus(a.certificateId, 'REVOKED', 5000)).toBe(true);
      expect(await certs.updateStatus('f'.repeat(64), 'REVOKED', 5000)).toBe(false);
      expect(await certs.get(a.certificateId)).toEqual({ ...a, status: 'REVOKED', updatedAt: 5000, customerVersion: 2 });
      expect(await certs.revokedBy(ca.certificateId)).toEqual([{ serialNumber: a.serialNumber, revokedAt: 5000 }]);
      expect(await certs.delete(a.certificateId)).toBe(true);
      expect(await certs.delete(a.certificateId)).toBe(false);
    });

    it('stores CA certificates and updates their status, auto-registration and CRL', async () => {
      registry = await open();
      const certs = certificateRepository(registry);
      expect(await certs.createCa(ca)).toBe(true);
      expect(await certs.createCa(ca)).toBe(false);
      expect(await certs.getCa(ca.certificateId)).toEqual(ca);
      const external = { ...ca, certificateId: 'cb'.padEnd(64, '0'), builtIn: false, createdAt: 20 };
      await certs.createCa(external);
      const listed = await certs.listCa({ limit: 1 });
      expect(listed.items.map((c) => c.certificateId)).toEqual([ca.certificateId]);
      expect((await certs.listCa({ limit: 1, cursor: listed.next })).items.map((c) => c.certificateId)).toEqual([external.certificateId]);
      expect(await certs.updateCa(ca.certificateId, { status: 'INACTIVE', autoRegistration: true, crlPem: 'crl' }, 99)).toBe(true);
      expect(await certs.getCa(ca.certificateId)).toEqual({ ...ca, status: 'INACTIVE', autoRegistration: true, crlPem: 'crl', updatedAt: 99, customerVersion: 2 });
      expect(await certs.updateCa('x', { status: 'ACTIVE' }, 99)).toBe(false);
      expect(await certs.deleteCa(external.certificateId)).toBe(true);
      expect(await certs.deleteCa(external.certificateId)).toBe(false);
      expect(await certs.getCa(external.certificateId)).toBeUndefined();
      expect((await certs.listCa({ limit: 10 })).items.map((c) => c.certificateId)).toEqual([ca.certificateId]);
    });

    it('attaches things to certificates both ways, pages them and drops them with the certificate or thing', async () => {
      registry = await open();
      const certs = certificateRepository(registry);
      const a = cert('a', 1);
      const b = cert('b', 2);
      await certs.create(a);
      await certs.create(b);
      expect(await certs.attachThing('pump', a.certificateId, 'NON_EXCLUSIVE_THING', 1)).toBe(true);
      expect(await certs.attachThing('pump', a.certificateId, 'NON_EXCLUSIVE_THING', 1)).toBe(false);
      await certs.attachThing('pump', b.certificateId, 'EXCLUSIVE_THING', 1);
      await certs.attachThing('valve', a.certificateId, 'NON_EXCLUSIVE_THING', 1);
      const page = await certs.principalsOfThing('pump', { limit: 1 });
      expect(page.items).toEqual([a.certificateId]);
      expect((await certs.principalsOfThing('pump', { limit: 1, cursor: page.next })).items).toEqual([b.certificateId]);
      expect((await certs.thingsOfPrincipal(a.certificateId, { limit: 10 })).items).toEqual(['pump', 'valve']);
      expect(await certs.detachThing('valve', a.certificateId)).toBe(true);
      expect(await certs.detachThing('valve', a.certificateId)).toBe(false);
      await certs.delete(a.certificateId);
      expect((await certs.principalsOfThing('pump', { limit: 10 })).items).toEqual([b.certificateId]);
      await certs.detachAllOfThing('pump');
      expect((await certs.thingsOfPrincipal(b.certificateId, { limit: 10 })).items).toEqual([]);
    });
  });
}
