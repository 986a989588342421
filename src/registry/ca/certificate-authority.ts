import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { VigilError, err, ok, type Result } from '../../core/index.js';
import { writeSecret } from '../../store/index.js';
import { EC_ALGORITHM, EC_SIGNING, RSA_ALGORITHM, certificateFacts, randomSerial, subtle, toPem, x509, type CryptoKey, type CryptoKeyPair } from './x509.js';

const DAY = 86_400_000;
/** Backdating absorbs small clock differences between Vigil and devices. */
const BACKDATE_MS = 5 * 60_000;

export type DeviceKeyType = 'ec-p256' | 'rsa-2048';

export interface IssuedKeys {
  readonly certificatePem: string;
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

/** Vigil's built-in CA: issues device and server certificates, signs CSRs and CRLs. */
export interface CertificateAuthority {
  readonly caPem: string;
  readonly caCertificateId: string;
  /** A new key pair and a certificate for it. */
  createKeysAndCertificate(subject: string, days: number, keyType: DeviceKeyType, now: number): Promise<IssuedKeys>;
  /** Signs a PKCS#10 request after checking its self-signature; keeps the request's subject. */
  signCsr(csrPem: string, days: number, now: number): Promise<Result<string>>;
  /** A TLS server certificate with these SANs (DNS names or IP addresses). */
  issueServerCertificate(sans: readonly string[], days: number, now: number): Promise<{ certificatePem: string; privateKeyPem: string }>;
  /** A signed CRL listing these serials. */
  createCrl(entries: ReadonlyArray<{ serialNumber: string; revokedAt: number }>, now: number, nextUpdateDays?: number): Promise<string>;
}

/** Loads `secrets/ca.key` + `secrets/ca.pem`, creating an ECDSA P-256 CA on first start. */
export async function loadOrCreateCa(secretsDir: string, now: number, days = 3650): Promise<{ ca: CertificateAuthority; created: boolean }> {
  const keyPath = join(secretsDir, 'ca.key');
  const certPath = join(secretsDir, 'ca.pem');
  let created = false;
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    const keys = (await subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
    const name = `CN=Vigil CA ${hostname().replace(/[,=+<>#;\\"]/g, '-')}, O=Vigil`;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + days * DAY),
      signingAlgorithm: EC_SIGNING,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    writeSecret(keyPath, toPem(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY').trim());
    writeSecret(certPath, certificate.toString('pem'));
    created = true;
  }
  const caPem = `${readFileSync(certPath, 'utf8').trim()}\n`;
  const signingKey = await subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(readFileSync(keyPath, 'utf8')), EC_ALGORITHM, false, ['sign']);
  return { ca: certificateAuthority(caPem, signingKey), created };
}

function certificateAuthority(caPem: string, signingKey: CryptoKey): CertificateAuthority {
  const caCert = new x509.X509Certificate(caPem);
  const caCertificateId = certificateFacts(caPem).certificateId;

  async function issue(publicKey: CryptoKey | x509.PublicKey, subject: string, days: number, now: number, extensions: x509.Extension[]): Promise<string> {
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject,
      issuer: caCert.subject,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + days * DAY),
      signingAlgorithm: EC_SIGNING,
      publicKey,
      signingKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        ...extensions,
      ],
    });
    return certificate.toString('pem');
  }

  const clientExtensions = () => [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ];

  return {
    caPem,
    caCertificateId,
    async createKeysAndCertificate(subject, days, keyType, now) {
      const algorithm = keyType === 'rsa-2048' ? RSA_ALGORITHM : EC_ALGORITHM;
      const keys = (await subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
      const certificatePem = await issue(keys.publicKey, subject, days, now, clientExtensions());
      return {
        certificatePem,
        publicKeyPem: toPem(await subtle.exportKey('spki', keys.publicKey), 'PUBLIC KEY'),
        privateKeyPem: toPem(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
      };
    },
    async signCsr(csrPem, days, now) {
      let csr: x509.Pkcs10CertificateRequest;
      try {
        csr = new x509.Pkcs10CertificateRequest(csrPem);
      } catch (error) {
        return err(new VigilError('certificate.invalid_csr', `the certificate signing request cannot be parsed: ${error instanceof Error ? error.message : String(error)}`, { hint: 'send a PEM PKCS#10 request (-----BEGIN CERTIFICATE REQUEST-----)' }));
      }
      if (!(await csr.verify())) return err(new VigilError('certificate.invalid_csr', 'the certificate signing request signature does not verify'));
      return ok(await issue(csr.publicKey, csr.subject === '' ? 'CN=Vigil device' : csr.subject, days, now, clientExtensions()));
    },
    async issueServerCertificate(sans, days, now) {
      const keys = (await subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
      const names = sans.map((value) => ({ type: isIP(value) !== 0 ? ('ip' as const) : ('dns' as const), value }));
      const certificatePem = await issue(keys.publicKey, `CN=${sans[0] ?? 'localhost'}, O=Vigil`, days, now, [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names),
      ]);
      return { certificatePem, privateKeyPem: toPem(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY') };
    },
    async createCrl(entries, now, nextUpdateDays = 7) {
      const crl = await x509.X509CrlGenerator.create({
        issuer: caCert.subject,
        thisUpdate: new Date(now),
        nextUpdate: new Date(now + nextUpdateDays * DAY),
        signingAlgorithm: EC_SIGNING,
        signingKey,
        // RFC 5280: no reason code rather than `unspecified`.
        entries: entries.map((e) => ({ serialNumber: e.serialNumber, revocationDate: new Date(e.revokedAt) })),
        extensions: [await x509.AuthorityKeyIdentifierExtension.create(caCert, false)],
      });
      // OpenSSL reads only the `X509 CRL` PEM label.
      return toPem(crl.rawData, 'X509 CRL');
    },
  };
}

/** Default SANs of the broker's certificate, plus the configured extra ones. */
export function serverSans(extra: readonly string[]): string[] {
  return [...new Set(['localhost', '127.0.0.1', '::1', hostname(), ...extra])];
}

/**
 * Loads `secrets/server.pem` + `server.key`, issuing a new pair when missing, not issued by the
 * current CA, lacking a configured SAN, or within 30 days of expiry.
 */
export async function loadOrIssueServerCertificate(ca: CertificateAuthority, secretsDir: string, sans: readonly string[], days: number, now: number): Promise<{ certificatePem: string; privateKeyPem: string; issued: boolean }> {
  const certPath = join(secretsDir, 'server.pem');
  const keyPath = join(secretsDir, 'server.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const certificatePem = readFileSync(certPath, 'utf8');
    const facts = certificateFacts(certificatePem);
    const caFacts = certificateFacts(ca.caPem);
    const covered = sans.every((name) => (isIP(name) !== 0 ? facts.node.checkIP(name) !== undefined : facts.node.checkHost(name, { wildcards: false }) !== undefined));
    if (facts.node.checkIssued(caFacts.node) && facts.node.verify(caFacts.node.publicKey) && covered && facts.notAfter - now > 30 * DAY) {
      return { certificatePem, privateKeyPem: readFileSync(keyPath, 'utf8'), issued: false };
    }
  }
  const issued = await ca.issueServerCertificate(sans, days, now);
  writeSecret(keyPath, issued.privateKeyPem.trim());
  writeSecret(certPath, issued.certificatePem.trim());
  return { ...issued, issued: true };
}
