import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultHec } from '../support/fault-hec.js';
import { runCli } from '../support/cli.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

describe('vigil stream CLI', () => {
  let vigil: TestVigil;
  let hec: FaultHec;
  let server: string[];
  beforeAll(async () => {
    hec = new FaultHec();
    await hec.start();
    vigil = await startTestVigil({ log: { level: 'warn' } });
    server = ['--server', vigil.running.endpoints['api'] as string, '--token', vigil.adminToken];
  });
  afterAll(async () => {
    await vigil.stop();
    await hec.stop();
  });

  it('creates, lists, describes (secret redacted), reports status, updates and deletes a stream', async () => {
    const created = await runCli(['stream', 'create', 'siem', '--hec-endpoint', hec.url, '--hec-token', hec.token, '--transform', 'split-device-defender', '--retry-secs', '60', '--interval-secs', '0', ...server]);
    expect(created).toMatchObject({ code: 0, stdout: 'created stream siem (version 1, sink splunk-hec)\n' });
    expect((await runCli(['stream', 'list', ...server])).stdout).toMatch(/siem\s+1\s+splunk-hec\s+split-device-defender\s+60/);
    const described = JSON.parse((await runCli(['stream', 'describe', 'siem', ...server])).stdout) as { sink: { token: string } };
    expect(described.sink.token).toBe('********');
    const status = await runCli(['stream', 'status', 'siem', ...server]);
    expect(status.stdout).toContain('data freshness (s)');
    const updated = await runCli(['stream', 'update', 'siem', '--hec-endpoint', hec.url, '--hec-token', hec.token, '--retry-secs', '30', ...server]);
    expect(updated.stdout).toBe('updated stream siem to version 2\n');
    expect((await runCli(['stream', 'delete', 'siem', ...server])).stdout).toBe('deleted stream siem\n');
    const missing = await runCli(['stream', 'status', 'siem', ...server]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('delivery stream siem not found');
  });
});
