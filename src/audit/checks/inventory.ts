import 'reflect-metadata';
import { X509Certificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { pages } from '../../core/index.js';
import type { CaCertificate, Certificate, CertificateStore, PolicyStore } from '../../model/index.js';

x509.cryptoProvider.set(webcrypto as never);

/** A certificate's public key as the key-quality checks need it. */
export interface KeyFacts {
  readonly type: string;
  /** RSA modulus. */
  readonly modulus?: bigint;
  readonly bits?: number;
  /** Node's curve name for EC keys (prime256v1, secp384r1, …). */
  readonly curve?: string;
}

export interface ParsedCertificate {
  readonly node: X509Certificate;
  readonly key: KeyFacts;
}

export interface PolicyEntry {
  readonly policyName: string;
  readonly versionId: string;
  readonly document: string;
}

/** A revoked serial on a CA's verified CRL. */
export interface CrlRevocation {
  readonly caCertificateId: string;
  readonly serialNumber: string;
  readonly revokedAt: number;
}

/**
 * One task's snapshot of the registry, loaded lazily and once: certificates, CAs, policies (default
 * versions), parsed certificates, and the revoked serials of every CA whose CRL is registered.
 */
export interface Inventory {
  certificates(): Promise<readonly Certificate[]>;
  caCertificates(): Promise<readonly CaCertificate[]>;
  policies(): Promise<readonly PolicyEntry[]>;
  parse(certificateId: string, pem: string): ParsedCertificate | undefined;
  /** Serial (uppercase hex, no leading zeros) → revocation, per CA id. */
  revocations(): Promise<ReadonlyMap<string, ReadonlyMap<string, CrlRevocation>>>;
  /** The registered CA that issued `pem` (by name and signature), if any. */
  issuerOf(certificateId: string, pem: string): Promise<CaCertificate | undefined>;
}

export function createInventory(stores: { readonly certificates: CertificateStore; readonly policies: PolicyStore }): Inventory {
  const memo = <T>(load: () => Promise<T>): (() => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () => (value ??= load());
  };
  const parsed = new Map<string, ParsedCertificate | undefined>();
  const parse = (certificateId: string, pem: string): ParsedCertificate | undefined => {
    if (parsed.has(certificateId)) return parsed.get(certificateId);
    let value: ParsedCertificate | undefined;
    try {
      const node = new X509Certificate(pem);
      value = { node, key: keyFacts(node) };
    } catch {
      value = undefined;
    }
    parsed.set(certificateId, value);
    return value;
  };
  const certificates = memo((): Promise<Certificate[]> => pages((cursor) => stores.certificates.list({ limit: 1000, cursor, ascending: true })));
  const caCertificates = memo((): Promise<CaCertificate[]> => pages((cursor) => stores.certificates.listCa({ limit: 250, cursor, ascending: true })));
  const policies = memo(async () => {
    const out: PolicyEntry[] = [];
    for (const policy of await pages((cursor) => stores.policies.list({ limit: 1000, cursor, ascending: true }))) {
      const version = await stores.policies.getVersion(policy.policyName, policy.defaultVersionId);
      if (version !== undefined) out.push({ policyName: policy.policyName, versionId: version.versionId, document: version.document });
    }
    return out;
  });
  const revocations = memo(async () => {
    const byCa = new Map<string, Map<string, CrlRevocation>>();
    for (const ca of await caCertificates()) {
      if (ca.crlPem === undefined) continue;
      const caParsed = parse(ca.certificateId, ca.certificatePem);
      if (caParsed === undefined) continue;
      const entries = await verifiedCrlEntries(ca.crlPem, ca.certificatePem);
      if (entries === undefined) continue;
      const map = new Map<string, CrlRevocation>();
      for (const entry of entries) map.set(normalSerial(entry.serialNumber), { caCertificateId: ca.certificateId, serialNumber: normalSerial(entry.serialNumber), revokedAt: entry.revokedAt });
      byCa.set(ca.certificateId, map);
    }
    return byCa;
  });
  return {
    certificates,
    caCertificates,
    policies,
    parse,
    revocations,
    async issuerOf(certificateId, pem) {
      const cert = parse(certificateId, pem);
      if (cert === undefined) return undefined;
      for (const ca of await caCertificates()) {
        if (ca.certificateId === certificateId) continue;
        const caParsed = parse(ca.certificateId, ca.certificatePem);
        if (caParsed !== undefined && cert.node.checkIssued(caParsed.node) && cert.node.verify(caParsed.node.publicKey)) return ca;
      }
      return undefined;
    },
  };
}

export function normalSerial(serial: string): string {
  const hex = serial.replace(/[^0-9a-fA-F]/g, '').toUpperCase().replace(/^0+/, '');
  return hex === '' ? '0' : hex;
}

function keyFacts(node: X509Certificate): KeyFacts {
  const key = node.publicKey;
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') {
    const jwk = key.export({ format: 'jwk' });
    const modulus = BigInt(`0x${Buffer.from(jwk.n ?? '', 'base64url').toString('hex') || '0'}`);
    return { type, modulus, bits: details.modulusLength ?? modulus.toString(2).length };
  }
  if (type === 'ec') return { type, ...(details.namedCurve === undefined ? {} : { curve: details.namedCurve }) };
  return { type };
}

/** The entries of a CRL whose signature the CA's key verifies; undefined for an unreadable or forged CRL. */
async function verifiedCrlEntries(crlPem: string, caPem: string): Promise<Array<{ serialNumber: string; revokedAt: number }> | undefined> {
  try {
    const crl = new x509.X509Crl(crlPem);
    const ca = new x509.X509Certificate(caPem);
    if (!(await crl.verify({ publicKey: ca.publicKey }))) return undefined;
    return crl.entries.map((e) => ({ serialNumber: e.serialNumber, revokedAt: e.revocationDate.getTime() }));
  } catch {
    return undefined;
  }
}
