import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const CHANNEL = '5d3e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const dir = tempDir();
let vigil: TestVigil | undefined;
let env: Record<string, string>;

async function hecPost(token: string, body: string, headers: Record<string, string> = {}): Promise<{ code: number; ackId?: number }> {
  const hec = (vigil as TestVigil).running.endpoints['hec'] as string;
  const response = await fetch(`${hec}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${token}`, ...headers }, body });
  return (await response.json()) as { code: number; ackId?: number };
}

beforeAll(async () => {
  vigil = await startTestVigil({}, { dataDir: dir.path });
  env = { VIGIL_DATA_DIR: dir.path };
});
afterAll(async () => {
  await vigil?.stop();
  dir.remove();
});

describe('vigil index / hec token / search (through the running server)', () => {
  it('index create with --retention-days, then index list shows it', async () => {
    const created = await runCli(['index', 'create', 'web', '--retention-days', '7'], env);
    expect(created).toMatchObject({ code: 0, stdout: 'created index web (retention 7 days)\n' });
    const listed = await runCli(['index', 'list', '--json'], env);
    const { indexes } = JSON.parse(listed.stdout) as { indexes: Array<{ name: string; retentionDays: number; events: number }> };
    expect(indexes.find((i) => i.name === 'web')).toMatchObject({ retentionDays: 7, events: 0 });
    expect(indexes.map((i) => i.name)).toContain('main');
    const table = await runCli(['index', 'list'], env);
    expect(table.stdout).toMatch(/^web\s+0\s+7d/m);
  });

  it('index create rejects a bad retention and a duplicate name', async () => {
    expect((await runCli(['index', 'create', 'x', '--retention-days', '-1'], env)).code).toBe(2);
    const duplicate = await runCli(['index', 'create', 'web'], env);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('index web already exists');
  });

  it('hec token create --ack makes a token HEC accepts with a channel and acknowledges', async () => {
    const created = await runCli(['hec', 'token', 'create', '--name', 'cli', '--index', 'web', '--sourcetype', 'cli:test', '--ack', '--json'], env);
    expect(created.code).toBe(0);
    const token = JSON.parse(created.stdout) as { token: string; index: string; sourcetype: string; useAck: boolean };
    expect(token).toMatchObject({ index: 'web', sourcetype: 'cli:test', useAck: true });
    expect(await hecPost(token.token, JSON.stringify({ event: 'x' }))).toMatchObject({ code: 10 });
    const body = ['error', 'info', 'error'].map((level, i) => JSON.stringify({ time: 1767225600 + i, host: 'web-1', event: { level, msg: `line, ${i}` } })).join('');
    const reply = await hecPost(token.token, body, { 'x-splunk-request-channel': CHANNEL });
    expect(reply).toEqual({ text: 'Success', code: 0, ackId: 0 });
    const hec = (vigil as TestVigil).running.endpoints['hec'] as string;
    let acked = false;
    for (let i = 0; i < 100 && !acked; i++) {
      const response = await fetch(`${hec}/services/collector/ack`, { method: 'POST', headers: { authorization: `Splunk ${token.token}`, 'x-splunk-request-channel': CHANNEL }, body: JSON.stringify({ acks: [0] }) });
      acked = ((await response.json()) as { acks: Record<string, boolean> }).acks['0'] === true;
      if (!acked) await new Promise((r) => setTimeout(r, 20));
    }
    expect(acked).toBe(true);
    const listed = await runCli(['hec', 'token', 'list'], env);
    expect(listed.stdout).toMatch(/^cli\s+\S+\s+web\s+cli:test\s+yes\s+enabled$/m);
    expect(listed.stdout).toMatch(/^default\s/m);
  });

  it('hec token create without --ack prints the token value; an unknown index is refused', async () => {
    const created = await runCli(['hec', 'token', 'create', '--name', 'plain'], env);
    expect(created.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    const bad = await runCli(['hec', 'token', 'create', '--name', 'nowhere', '--index', 'nope'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('index nope does not exist');
  });

  it('search --output json|csv|table', async () => {
    const json = await runCli(['search', 'index=web | stats count by level', '--output', 'json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([{ level: 'error', count: '2' }, { level: 'info', count: '1' }]);
    const csv = await runCli(['search', 'index=web level=error | sort _time | table _time, host, msg', '--output', 'csv'], env);
    expect(csv.stdout).toBe('_time,host,msg\n2026-01-01T00:00:00.000+00:00,web-1,"line, 0"\n2026-01-01T00:00:02.000+00:00,web-1,"line, 2"\n');
    const table = await runCli(['search', 'index=web | stats count by level'], env);
    expect(table.stdout).toBe('level  count\nerror  2\ninfo   1\n');
  });

  it('search --earliest/--latest bound the range (latest exclusive)', async () => {
    const bounded = await runCli(['search', 'index=web | stats count', '--earliest', '1767225600', '--latest', '1767225602', '--output', 'json'], env);
    expect(JSON.parse(bounded.stdout)).toEqual([{ count: '2' }]);
  });

  it('search --explain prints tokens, AST, plan and SQL', async () => {
    const explained = await runCli(['search', 'index=web level=error | stats count by host', '--explain'], env);
    expect(explained.code).toBe(0);
    for (const stage of ['== tokens', '== ast', '== plan', '== sql']) expect(explained.stdout).toContain(stage);
    expect(explained.stdout).toContain('siem_events');
  });

  it('a bad query is shown with a caret under the offending token, exit 1', async () => {
    const result = await runCli(['search', 'index=web | frobnicate x'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('index=web | frobnicate x\n            ^^^^^^^^^^');
    expect(result.stderr).toMatch(/frobnicate/);
    expect(result.stderr).toMatch(/stats/);
    const usage = await runCli(['search', 'index=web', '--output', 'xml'], env);
    expect(usage.code).toBe(2);
  });

  it('index delete removes the index and its events', async () => {
    const deleted = await runCli(['index', 'delete', 'web'], env);
    expect(deleted).toMatchObject({ code: 0, stdout: 'deleted index web (3 events)\n' });
    expect((await runCli(['index', 'delete', 'web'], env)).code).toBe(1);
  });
});

describe('vigil search without a running server', () => {
  it('opens <data_dir>/events.duckdb directly', async () => {
    const event = JSON.stringify({ time: 1767225700, event: { action: 'login', user: 'ann' } });
    const plain = readFileSync(join(dir.path, 'secrets', 'hec-token'), 'utf8').trim();
    expect(await hecPost(plain, event)).toEqual({ text: 'Success', code: 0 });
    await vigil?.stop();
    vigil = undefined;
    expect(existsSync(join(dir.path, 'run', 'endpoints.json'))).toBe(false);
    const result = await runCli(['search', 'index=main action=login | table user', '--output', 'json'], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual([{ user: 'ann' }]);
    const explained = await runCli(['search', 'index=main | head 1', '--explain'], env);
    expect(explained.stdout).toContain('== sql');
  });
});
