import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VigilError } from '../core/index.js';
import type { ClusterSecretStore } from '../store/index.js';
import { clusterKey, openCa, sealCa, syncClusterCa } from './cluster-ca.js';

const KEY = clusterKey(new TextEncoder().encode('a cluster secret of at least thirty-two bytes'));
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function secretsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cluster-ca-'));
  dirs.push(dir);
  return dir;
}

/** The shared table, as PostgreSQL keeps it: the first value written under a name stays. */
function memoryStore(): ClusterSecretStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: async (name) => values.get(name),
    async putIfAbsent(name, value) {
      if (!values.has(name)) values.set(name, value);
      return values.get(name) as string;
    },
  };
}

/** Stands in for the registry's CA creation: writes a distinct "CA" per node. */
function fakeCa(dir: string, label: string): () => Promise<void> {
  return async () => {
    writeFileSync(join(dir, 'ca.pem'), `-----BEGIN CERTIFICATE-----\n${label}\n-----END CERTIFICATE-----\n`);
    writeFileSync(join(dir, 'ca.key'), `-----BEGIN PRIVATE KEY-----\nkey of ${label}\n-----END PRIVATE KEY-----\n`, { mode: 0o600 });
  };
}

describe('the cluster CA', () => {
  it('seals the private key: the stored value holds the certificate in clear and never the key', () => {
    const sealed = sealCa('CERT', 'PRIVATE KEY MATERIAL', KEY);
    expect(sealed).toContain('CERT');
    expect(sealed).not.toContain('PRIVATE KEY MATERIAL');
    expect(openCa(sealed, KEY)).toEqual({ certificatePem: 'CERT', privateKeyPem: 'PRIVATE KEY MATERIAL' });
  });

  it('refuses another secret key, and a certificate swapped under the sealed key', () => {
    const sealed = sealCa('CERT', 'KEY', KEY);
    const other = clusterKey(new TextEncoder().encode('another secret that is also long enough!'));
    expect(() => openCa(sealed, other)).toThrowError(VigilError);
    const swapped = JSON.stringify({ ...JSON.parse(sealed), certificatePem: 'OTHER CERT' });
    expect(() => openCa(swapped, KEY)).toThrow(/cannot be opened/);
  });

  it('a secret key file shorter than 32 bytes is refused with what to do', () => {
    expect(() => clusterKey(new Uint8Array(31))).toThrow(/at least 32/);
  });

  it('the first node stores its CA; the next node replaces its own with it', async () => {
    const store = memoryStore();
    const a = secretsDir();
    const b = secretsDir();
    expect(await syncClusterCa({ secretsDir: a, store, key: KEY, now: 1, ensureLocalCa: fakeCa(a, 'A') })).toEqual({ created: true, replaced: false });
    await fakeCa(b, 'B')();
    expect(await syncClusterCa({ secretsDir: b, store, key: KEY, now: 2, ensureLocalCa: fakeCa(b, 'B') })).toEqual({ created: false, replaced: true });
    expect(readFileSync(join(b, 'ca.pem'), 'utf8')).toBe(readFileSync(join(a, 'ca.pem'), 'utf8'));
    expect(readFileSync(join(b, 'ca.key'), 'utf8').trim()).toBe(readFileSync(join(a, 'ca.key'), 'utf8').trim());
    // A later start of either node changes nothing.
    expect(await syncClusterCa({ secretsDir: b, store, key: KEY, now: 3, ensureLocalCa: fakeCa(b, 'B') })).toEqual({ created: false, replaced: false });
  });
});
