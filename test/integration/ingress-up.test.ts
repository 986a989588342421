import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgent } from '../../scripts/build-agent.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const bin = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));

function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env['PATH'] ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('vigil up with the MQTT broker, a certificate from `vigil cert issue` and the bundled agent', () => {
  const dir = tempDir('vigil-ingress-up-');
  const config = join(dir.path, 'vigil.yaml');
  let child: ChildProcess | undefined;
  let stderr = '';
  let endpoints: { api: string; mqtt: string };
  let agent: string;

  beforeAll(async () => {
    agent = (await buildAgent(join(dir.path, 'agent', 'vigil-agent.mjs'))).outfile;
    writeFileSync(config, ['data_dir: ./data', 'log:', '  format: json', 'api:', '  listen: 127.0.0.1:0', 'hec:', '  listen: 127.0.0.1:0', 'mqtt:', '  listen: 127.0.0.1:0', ''].join('\n'));
    child = spawn(process.execPath, [bin, 'up', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const path = join(dir.path, 'data', 'run', 'endpoints.json');
    endpoints = await waitFor(() => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as typeof endpoints) : undefined), 'endpoints.json');
  }, 120_000);

  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    dir.remove();
  });

  it('writes the broker address into run/endpoints.json as mqtt (mqtts://HOST:PORT)', () => {
    expect(endpoints.mqtt).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoints.mqtt).not.toMatch(/:0$/);
  });

  it('the agent connects with a certificate from `vigil cert issue` and its report is ACCEPTED', async () => {
    const certs = join(dir.path, 'certs');
    const issued = await runCli(['cert', 'issue', '--thing', 'pump-7', '--out', certs, '-c', config]);
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    expect(issued.stdout).toContain(`--endpoint ${endpoints.mqtt}`);

    const common = [agent, '--endpoint', endpoints.mqtt, '--thing-name', 'pump-7', '--cert', join(certs, 'cert.pem'), '--key', join(certs, 'private.key'), '--ca', join(certs, 'ca.pem'), '--once'];
    const json = await run([...common, '--format', 'json', '--keys', 'long'], dir.path);
    expect(json.stderr).toContain('"msg":"report accepted"');
    expect(json.code).toBe(0);
    expect(stderr).not.toContain('"level":50');
  });
});
