import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { VIGIL_BIN, readEndpoints, spawnVigil } from '../support/spawn-vigil.js';
import { tempDir } from '../support/temp.js';

const dir = tempDir('vigil-tls-');
afterAll(() => dir.remove());

/** The certificate a TLS server presents, read without trusting it. */
function presented(url: string): Promise<{ fingerprint256: string; authorizedBy: (ca: string) => Promise<boolean> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const fingerprint256 = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve({
        fingerprint256,
        authorizedBy: (ca) =>
          new Promise((done) => {
            const verified = connect({ host: hostname, port: Number(port), ca, rejectUnauthorized: false }, () => {
              done(verified.authorized);
              verified.end();
            });
          }),
      });
    });
    socket.on('error', reject);
  });
}

/** An HTTPS request that accepts exactly the certificate with `fingerprint` (what an operator does with the printed one). */
function pinnedRequest(url: string, fingerprint: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, rejectUnauthorized: false, agent: false }, (response) => {
      const socket = response.socket as import('node:tls').TLSSocket;
      if (socket.getPeerCertificate().fingerprint256 !== fingerprint) {
        reject(new Error('certificate mismatch'));
        return;
      }
      let body = '';
      response.on('data', (c: Buffer) => (body += c.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

function printedFingerprint(stdout: string, listener: string): string | undefined {
  return new RegExp(`^ {2}${listener} TLS +certificate SHA-256 ([0-9A-F:]{95})$`, 'm').exec(stdout)?.[1];
}

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('TLS for the API, console and HEC', () => {
  it('tls: auto serves HTTPS with a certificate of the built-in CA whose printed fingerprint clients pin; the CLI trusts the built-in CA, the demo stream delivers to HEC over TLS and vigil search reads the result', async () => {
    const cwd = join(dir.path, 'auto');
    mkdirSync(cwd);
    writeFileSync(join(cwd, 'vigil.yaml'), 'data_dir: ./data\napi:\n  listen: 127.0.0.1:0\n  tls: auto\nhec:\n  listen: 127.0.0.1:0\n  tls: auto\nmqtt:\n  listen: 127.0.0.1:0\n');
    const vigil = spawnVigil(['up', '-c', 'vigil.yaml', '--demo', '--devices', '3', '--speed', '100'], { cwd });
    try {
      await vigil.waitFor(() => (vigil.stdout().includes('Press Ctrl-C to stop.') ? true : undefined), 'start-up', 120_000);
      const endpoints = readEndpoints(join(cwd, 'data')) as Record<string, string>;
      expect(endpoints['api']).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints['hec']).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const apiFingerprint = printedFingerprint(vigil.stdout(), 'api') as string;
      const hecFingerprint = printedFingerprint(vigil.stdout(), 'hec') as string;
      expect(apiFingerprint).toBeDefined();
      // Computed independently: openssl over the certificate file, and the certificate the server presents.
      const opensslFingerprint = openssl(['x509', '-in', join(cwd, 'data', 'secrets', 'server.pem'), '-noout', '-fingerprint', '-sha256']).trim().split('=')[1];
      expect(apiFingerprint).toBe(opensslFingerprint);
      expect(hecFingerprint).toBe(opensslFingerprint);
      const served = await presented(endpoints['api'] as string);
      expect(served.fingerprint256).toBe(apiFingerprint);
      expect(await served.authorizedBy(readFileSync(join(cwd, 'data', 'secrets', 'ca.pem'), 'utf8'))).toBe(true);
      expect(vigil.stdout()).toContain(`certificate SHA-256 ${apiFingerprint}`);

      // Clients that pin the printed fingerprint.
      expect((await pinnedRequest(`${endpoints['api']}/health`, apiFingerprint)).status).toBe(200);
      const hecToken = readFileSync(join(cwd, 'data', 'secrets', 'hec-token'), 'utf8').trim();
      const hec = await pinnedRequest(`${endpoints['hec']}/services/collector/event`, hecFingerprint, { method: 'POST', headers: { authorization: `Splunk ${hecToken}` }, body: JSON.stringify({ event: 'over tls', sourcetype: 'tls-test' }) });
      expect(JSON.parse(hec.body)).toEqual({ text: 'Success', code: 0 });

      // The CLI: the data directory's built-in CA, a pinned fingerprint, and a wrong pin refused before anything is sent.
      const list = spawnVigil(['thing', 'list', '-c', 'vigil.yaml'], { cwd });
      expect(await list.exited, list.stderr()).toBe(0);
      expect(list.stdout()).toContain('sim-');
      const pinned = spawnVigil(['thing', 'list', '-c', 'vigil.yaml', '--fingerprint', apiFingerprint.replace(/:/g, '').toLowerCase()], { cwd });
      expect(await pinned.exited, pinned.stderr()).toBe(0);
      const wrong = spawnVigil(['thing', 'list', '-c', 'vigil.yaml', '--fingerprint', 'AB'.repeat(32)], { cwd });
      expect(await wrong.exited).toBe(1);
      expect(wrong.stderr()).toContain(`SHA-256 fingerprint ${apiFingerprint}`);

      // The demo's stream delivers to HEC over TLS (caFile: the built-in CA); vigil search reads it over HTTPS.
      await vigil.waitFor(() => {
        try {
          const search = execFileSync(process.execPath, [VIGIL_BIN, 'search', 'index=aws_hfb | stats count', '-c', 'vigil.yaml', '--output', 'csv'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
          const count = Number(search.trim().split('\n')[1]);
          return count > 0 ? count : undefined;
        } catch {
          return undefined;
        }
      }, 'events delivered by the stream over TLS', 120_000);
      const status = spawnVigil(['stream', 'status', 'siem', '-c', 'vigil.yaml'], { cwd });
      expect(await status.exited, status.stderr()).toBe(0);

      vigil.child.kill('SIGTERM');
      expect(await vigil.exited).toBe(0);
    } finally {
      vigil.kill();
    }
  }, 300_000);

  it('serves the operator\'s certificate files: the printed fingerprint is openssl\'s, the CLI trusts that CA with --ca-file and refuses the connection without it', async () => {
    const cwd = join(dir.path, 'files');
    mkdirSync(join(cwd, 'tls'), { recursive: true });
    const p = (name: string): string => join(cwd, 'tls', name);
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=Operator CA']);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('api.key'), '-out', p('api.csr'), '-subj', '/CN=127.0.0.1']);
    writeFileSync(p('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    openssl(['x509', '-req', '-in', p('api.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('api.pem'), '-days', '2', '-extfile', p('ext.cnf')]);
    const expected = openssl(['x509', '-in', p('api.pem'), '-noout', '-fingerprint', '-sha256']).trim().split('=')[1];
    writeFileSync(join(cwd, 'vigil.yaml'), 'data_dir: ./data\napi:\n  listen: 127.0.0.1:0\n  tls:\n    cert_file: tls/api.pem\n    key_file: tls/api.key\nhec:\n  listen: 127.0.0.1:0\nmqtt:\n  listen: 127.0.0.1:0\n');
    const vigil = spawnVigil(['up', '-c', 'vigil.yaml'], { cwd });
    try {
      await vigil.waitFor(() => printedFingerprint(vigil.stdout(), 'api'), 'the printed fingerprint', 60_000);
      expect(printedFingerprint(vigil.stdout(), 'api')).toBe(expected);
      expect(printedFingerprint(vigil.stdout(), 'hec')).toBeUndefined();
      const without = spawnVigil(['thing', 'list', '-c', 'vigil.yaml'], { cwd });
      expect(await without.exited).toBe(1);
      expect(without.stderr()).toMatch(/cannot reach Vigil at https:.*(certificate|issuer)/);
      const withCa = spawnVigil(['thing', 'list', '-c', 'vigil.yaml', '--ca-file', 'tls/ca.pem'], { cwd });
      expect(await withCa.exited, withCa.stderr()).toBe(0);
      vigil.child.kill('SIGTERM');
      expect(await vigil.exited).toBe(0);
    } finally {
      vigil.kill();
    }
  }, 120_000);

  it('refuses plain HTTP on a non-loopback address at start, naming the setting; allow_insecure_http (or TLS) lets it start', async () => {
    const cwd = join(dir.path, 'refuse');
    mkdirSync(cwd);
    const start = (yaml: string) => {
      writeFileSync(join(cwd, 'vigil.yaml'), `data_dir: ./data\nmqtt:\n  listen: 127.0.0.1:0\n${yaml}`);
      return spawnVigil(['up', '-c', 'vigil.yaml'], { cwd });
    };
    const api = start('api:\n  listen: 0.0.0.0:0\nhec:\n  listen: 127.0.0.1:0\n');
    expect(await api.exited).toBe(1);
    expect(api.stderr()).toContain('api.listen is 0.0.0.0:0, which other machines can reach, and api.tls is off');
    expect(api.stderr()).toContain('api.allow_insecure_http: true');
    expect(readEndpoints(join(cwd, 'data'))).toBeUndefined();

    const hec = start('api:\n  listen: 127.0.0.1:0\nhec:\n  listen: "[::]:0"\n');
    expect(await hec.exited).toBe(1);
    expect(hec.stderr()).toContain('hec.tls is off');

    const allowed = start('api:\n  listen: 0.0.0.0:0\n  allow_insecure_http: true\nhec:\n  listen: 0.0.0.0:0\n  tls: auto\n');
    try {
      await allowed.waitFor(() => readEndpoints(join(cwd, 'data')), 'endpoints.json', 60_000);
      expect(readEndpoints(join(cwd, 'data'))?.['hec']).toMatch(/^https:/);
      allowed.child.kill('SIGTERM');
      expect(await allowed.exited).toBe(0);
    } finally {
      allowed.kill();
    }
  }, 120_000);
});
