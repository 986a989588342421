import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { signedFetch } from '../support/sigv4.js';
import { tempDir } from '../support/temp.js';

const bin = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
const dir = tempDir();
afterAll(() => dir.remove());

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('vigil up (as a process)', () => {
  it('starts on ephemeral ports, writes endpoints.json, serves /health and /metrics, and exits 0 on SIGTERM', async () => {
    const config = `${dir.path}/vigil.yaml`;
    writeFileSync(config, 'data_dir: ./data\napi:\n  listen: 127.0.0.1:0\nhec:\n  listen: 127.0.0.1:0\nmqtt:\n  listen: 127.0.0.1:0\nlog:\n  format: json\n');
    const child = spawn(process.execPath, [bin, 'up', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const endpointsPath = `${dir.path}/data/run/endpoints.json`;
      const endpoints = await waitFor(() => (existsSync(endpointsPath) ? (JSON.parse(readFileSync(endpointsPath, 'utf8')) as { api: string; hec: string; mqtt: string }) : undefined), 'endpoints.json');
      expect(endpoints.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints.api).not.toMatch(/:0$/);
      expect(endpoints.hec).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      expect(endpoints.mqtt).toMatch(/^mqtts:\/\/127\.0\.0\.1:[1-9]\d*$/);
      await waitFor(() => (stdout.includes(endpoints.api) ? true : undefined), 'the printed endpoints');

      expect((await fetch(`${endpoints.api}/health`)).status).toBe(200);
      expect((await fetch(`${endpoints.api}/metrics`)).status).toBe(401);
      const tokenPath = `${dir.path}/data/secrets/admin-token`;
      expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
      expect(statSync(`${dir.path}/data/secrets`).mode & 0o777).toBe(0o700);
      expect(stdout).toContain(tokenPath);
      const token = readFileSync(tokenPath, 'utf8').trim();
      expect(stdout + stderr).not.toContain(token);
      const metrics = await fetch(`${endpoints.api}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('vigil_server_started_total{component="api"} 1');

      const keyResponse = await fetch(`${endpoints.api}/api/v1/access-keys`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
      const key = (await keyResponse.json()) as { accessKeyId: string; secretAccessKey: string };
      expect((await signedFetch('GET', `${endpoints.api}/metrics`, key)).status).toBe(200);

      const stoppedAt = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      expect(code).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(10_000);
      expect(existsSync(endpointsPath)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses to start with a bad config, naming every problem, exit 1', async () => {
    const config = `${dir.path}/bad.yaml`;
    writeFileSync(config, 'api:\n  listen: nowhere\nbogus: 1\n');
    const child = spawn(process.execPath, [bin, 'up', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('api.listen');
    expect(stderr).toContain('bogus: unknown key');
  });
});
