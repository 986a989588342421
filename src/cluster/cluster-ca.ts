import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../core/index.js';
import { writeSecret, type ClusterSecretStore } from '../store/index.js';

const CA_SECRET = 'ca';

/** The cluster CA as stored: its certificate in clear, its private key sealed with the cluster secret key. */
interface SealedCa {
  readonly v: 1;
  readonly certificatePem: string;
  readonly iv: string;
  readonly tag: string;
  readonly key: string;
}

/** The AES-256-GCM key derived from the content of `cluster.secret_key_file`. */
export function clusterKey(secret: Uint8Array): Buffer {
  if (secret.byteLength < 32) throw new VigilError('cluster.secret_key', `cluster.secret_key_file holds ${secret.byteLength} bytes; at least 32 are needed`, { hint: 'head -c 48 /dev/urandom | base64 > vigil-cluster.key; chmod 600 vigil-cluster.key (the same file on every node)' });
  return Buffer.from(hkdfSync('sha256', secret, 'vigil-cluster', 'ca-private-key', 32));
}

export function sealCa(certificatePem: string, privateKeyPem: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(certificatePem));
  const sealed = Buffer.concat([cipher.update(privateKeyPem, 'utf8'), cipher.final()]);
  return JSON.stringify({ v: 1, certificatePem, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), key: sealed.toString('base64') } satisfies SealedCa);
}

export function openCa(stored: string, key: Buffer): { certificatePem: string; privateKeyPem: string } {
  const sealed = JSON.parse(stored) as SealedCa;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(sealed.certificatePem));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const privateKeyPem = Buffer.concat([decipher.update(Buffer.from(sealed.key, 'base64')), decipher.final()]).toString('utf8');
    return { certificatePem: sealed.certificatePem, privateKeyPem };
  } catch {
    throw new VigilError('cluster.ca_key_mismatch', 'the cluster CA in PostgreSQL cannot be opened with this node\'s cluster.secret_key_file', { hint: 'every node needs the same secret key file as the node that started the cluster first' });
  }
}

/**
 * Makes `<secrets>/ca.pem` and `ca.key` the cluster's CA before the registry opens them. The first
 * node to start stores its CA (key sealed); every other node, and that one on later starts, takes the
 * stored one. A node whose own CA differs replaces it; its server certificate is then re-issued by the
 * cluster CA when the registry opens (it is no longer issued by the current CA).
 */
export async function syncClusterCa(options: {
  readonly secretsDir: string;
  readonly store: ClusterSecretStore;
  readonly key: Buffer;
  readonly now: number;
  /** Creates this node's CA files when missing (the registry's `loadOrCreateCa`). */
  readonly ensureLocalCa: () => Promise<unknown>;
}): Promise<{ created: boolean; replaced: boolean }> {
  const certPath = join(options.secretsDir, 'ca.pem');
  const keyPath = join(options.secretsDir, 'ca.key');
  let stored = await options.store.get(CA_SECRET);
  let created = false;
  if (stored === undefined) {
    await options.ensureLocalCa();
    const mine = sealCa(readFileSync(certPath, 'utf8'), readFileSync(keyPath, 'utf8'), options.key);
    stored = await options.store.putIfAbsent(CA_SECRET, mine, options.now);
    created = stored === mine;
  }
  const cluster = openCa(stored, options.key);
  const local = existsSync(certPath) ? readFileSync(certPath, 'utf8') : undefined;
  if (local?.trim() === cluster.certificatePem.trim()) return { created, replaced: false };
  writeSecret(keyPath, cluster.privateKeyPem.trim());
  writeSecret(certPath, cluster.certificatePem.trim());
  return { created, replaced: true };
}
