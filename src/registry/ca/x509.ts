import 'reflect-metadata';
import { webcrypto, X509Certificate as NodeX509, createHash } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { DN_ATTRIBUTES, type CertificateFields } from '../policy/context.js';

// @peculiar/x509 needs reflect-metadata loaded before it and a WebCrypto provider.
x509.cryptoProvider.set(webcrypto as never);

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

export { x509 };
export const subtle = webcrypto.subtle;

export const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const EC_SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const RSA_ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

/** What the registry records about a certificate, read with node's X509Certificate. */
export interface CertificateFacts {
  readonly certificateId: string;
  readonly pem: string;
  readonly serialNumber: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly isCa: boolean;
  readonly fields: CertificateFields;
  readonly node: NodeX509;
}

/** Parses a PEM (or DER) certificate; throws on garbage (callers turn that into an error value). */
export function certificateFacts(input: string | Uint8Array): CertificateFacts {
  const node = new NodeX509(typeof input === 'string' ? input : Buffer.from(input));
  const pem = node.toString();
  return {
    certificateId: createHash('sha256').update(node.raw).digest('hex'),
    pem,
    serialNumber: node.serialNumber.toUpperCase(),
    subject: node.subject.replace(/\n/g, ', '),
    issuer: node.issuer.replace(/\n/g, ', '),
    notBefore: Date.parse(node.validFrom),
    notAfter: Date.parse(node.validTo),
    isCa: node.ca,
    fields: {
      subject: dnFields(node.subject),
      issuer: dnFields(node.issuer),
      subjectAlternativeNames: sanFields(node.subjectAltName),
      issuerAlternativeNames: {},
      serialNumber: node.serialNumber.toUpperCase(),
    },
    node,
  };
}

/** SHA-256 hex of a DER certificate: the certificate id. */
export function certificateIdOf(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

function dnFields(dn: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of dn.split('\n')) {
    const index = line.indexOf('=');
    if (index <= 0) continue;
    const short = line.slice(0, index);
    const name = DN_ATTRIBUTES[short] ?? short;
    (out[name] ??= []).push(line.slice(index + 1));
  }
  return out;
}

const SAN_NAMES: Readonly<Record<string, string>> = { DNS: 'DNSName', email: 'RFC822Name', URI: 'UniformResourceIdentifier', 'IP Address': 'IPAddress', DirName: 'DirectoryName' };

function sanFields(san: string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (san === undefined) return out;
  for (const entry of san.split(', ')) {
    const index = entry.indexOf(':');
    if (index <= 0) continue;
    const name = SAN_NAMES[entry.slice(0, index)];
    if (name !== undefined) (out[name] ??= []).push(entry.slice(index + 1));
  }
  return out;
}

export function toPem(der: ArrayBuffer, label: string): string {
  return x509.PemConverter.encode(der, label);
}

export function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] as number) & 0x7f;
  if (bytes[0] === 0) bytes[0] = 1;
  return Buffer.from(bytes).toString('hex');
}
