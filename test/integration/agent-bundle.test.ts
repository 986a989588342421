import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgent } from '../../scripts/build-agent.js';
import { createTestPki } from '../support/test-pki.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { reportResponder, type Responder } from './agent-support.js';

function run(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // An empty environment apart from PATH: no NODE_PATH, no tsx loader, nothing from this repo.
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env['PATH'] ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bundled agent (dist/agent/vigil-agent.mjs) run with plain node', () => {
  let dir: string;
  let broker: TestBroker;
  let responder: Responder;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-bundle-'));
    const { outfile } = await buildAgent(join(dir, 'build', 'vigil-agent.mjs'));
    copyFileSync(outfile, join(dir, 'vigil-agent.mjs'));
    rmSync(join(dir, 'build'), { recursive: true });
    const pki = await createTestPki();
    const client = await pki.issueClient('bundle-thing');
    writeFileSync(join(dir, 'ca.pem'), pki.caCertPem);
    writeFileSync(join(dir, 'cert.pem'), client.certPem);
    writeFileSync(join(dir, 'key.pem'), client.keyPem);
    responder = reportResponder();
    broker = await startTestBroker({ pki, onPublish: (m, b) => responder.handle(m, b) });
  });
  afterAll(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the temp dir holds only the bundle and PEM files: no node_modules anywhere above it', () => {
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    expect(existsSync(join(tmpdir(), 'node_modules'))).toBe(false);
  });

  it('--print prints a report without connecting', async () => {
    const { code, stdout } = await run(dir, ['vigil-agent.mjs', '--print', '--keys', 'short']);
    expect(code).toBe(0);
    const document = JSON.parse(stdout) as { hed?: { rid?: number; v?: string } };
    expect(document.hed?.v).toBe('1.0');
  });

  it('connects over mTLS, publishes to the thing topic and logs the broker response', async () => {
    const args = ['vigil-agent.mjs', '--endpoint', `mqtts://127.0.0.1:${broker.port}`, '--thing-name', 'bundle-thing', '--cert', 'cert.pem', '--key', 'key.pem', '--ca', 'ca.pem', '--format', 'cbor', '--keys', 'short', '--once'];
    const { code, stderr } = await run(dir, args);
    expect(stderr).toContain('"msg":"report accepted"');
    expect(code).toBe(0);
    const sent = responder.reports.filter((r) => r.clientId === 'bundle-thing');
    expect(sent.map((r) => r.topic)).toEqual(['$aws/things/bundle-thing/defender/metrics/cbor']);
    expect(sent[0]?.certCn).toBe('bundle-thing');
  });
});
