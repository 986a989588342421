import { EC_ALGORITHM, EC_SIGNING, subtle, toPem, x509, type CryptoKeyPair } from './x509.js';

/** A new ECDSA P-256 key and a PKCS#10 request for it (the private key never leaves the caller). */
export async function createKeyAndCsr(commonName: string): Promise<{ privateKeyPem: string; csrPem: string }> {
  const keys = (await subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: [{ CN: [commonName] }], keys, signingAlgorithm: EC_SIGNING });
  return { privateKeyPem: toPem(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'), csrPem: csr.toString('pem') };
}
