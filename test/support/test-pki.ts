import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// @peculiar/x509 types its provider with the DOM `Crypto`; Node's webcrypto is that object.
x509.cryptoProvider.set(webcrypto as never);

type KeyPair = webcrypto.CryptoKeyPair;
type Key = webcrypto.CryptoKey;

/** A PEM certificate and its PKCS#8 private key. */
export interface IssuedCert {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface TestPki {
  readonly caCertPem: string;
  readonly caKeyPem: string;
  /** A server certificate for `hosts` (IP addresses and DNS names; default 127.0.0.1, ::1, localhost). */
  issueServer(hosts?: readonly string[]): Promise<IssuedCert>;
  /** A client certificate whose subject CN is `cn` (the thing name, by convention). */
  issueClient(cn: string): Promise<IssuedCert>;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

async function keyPair(): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as KeyPair;
}

async function keyPem(key: Key): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

let serial = 1;
const nextSerial = (): string => (serial++).toString(16).padStart(2, '0');

/** A throwaway CA (ECDSA P-256) that issues server and client certificates for tests. */
export async function createTestPki(name = 'Vigil Test CA'): Promise<TestPki> {
  const caKeys = await keyPair();
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: `CN=${name}`,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 30 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  async function issue(cn: string, usage: string, sans: readonly string[]): Promise<IssuedCert> {
    const keys = await keyPair();
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([usage]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ];
    if (sans.length > 0) {
      extensions.push(new x509.SubjectAlternativeNameExtension(sans.map((host) => (/^[0-9.]+$|:/.test(host) ? { type: 'ip' as const, value: host } : { type: 'dns' as const, value: host }))));
    }
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      subject: `CN=${cn}`,
      issuer: ca.subject,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 30 * DAY_MS),
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      extensions,
    });
    return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
  }

  return {
    caCertPem: ca.toString('pem'),
    caKeyPem: await keyPem(caKeys.privateKey),
    issueServer: (hosts = ['127.0.0.1', '::1', 'localhost']) => issue(hosts[0] ?? 'localhost', x509.ExtendedKeyUsage.serverAuth, hosts),
    issueClient: (cn) => issue(cn, x509.ExtendedKeyUsage.clientAuth, []),
  };
}
