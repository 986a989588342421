import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { streamClient } from '../../src/api/index.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { tempDir } from '../support/temp.js';

describe('a restart over stored definitions that no longer validate', () => {
  let vigil: TestVigil | undefined;
  const dir = tempDir('vigil-bad-rows-');
  afterEach(async () => {
    await vigil?.stop();
    dir.remove();
  });

  it('starts, loads bad streams and security profiles disabled and reports them, while the good ones keep working', async () => {
    vigil = await startTestVigil({ log: { level: 'warn' } }, { dataDir: dir.path });
    const streams = streamClient(vigil.client);
    await streams.create({ name: 'good', sink: { type: 'file', dir: join(dir.path, 'out') }, buffering: { intervalSecs: 0 } });
    await vigil.running.stop();

    // Rows as another version (or a hand edit) could have left them.
    const db = new Database(join(dir.path, 'registry.sqlite'));
    const now = Date.now();
    const insertStream = db.prepare('INSERT INTO streams (name, version, definition, created_at, updated_at) VALUES (?, 1, ?, ?, ?)');
    insertStream.run('garbled', 'not json', now, now);
    insertStream.run('unknownsink', JSON.stringify({ sink: { type: 'kafka' }, buffering: { sizeBytes: 1, intervalSecs: 1 }, retryDurationSecs: 1, processors: [], backup: { mode: 'FailedEventsOnly', prefix: '', errorOutputPrefix: '' } }), now, now);
    db.prepare('INSERT INTO detect_profiles (name, document, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)').run('garbledProfile', '{"behaviors": "oops"', now, now);
    db.close();

    vigil = await startTestVigil({ log: { level: 'warn' } }, { dataDir: dir.path });
    const again = streamClient(vigil.client);
    const telemetry = vigil.running.telemetry;
    expect(telemetry.counter('unit_disabled', { component: 'stream', reason: 'invalid' })).toBe(2);
    expect(telemetry.counter('unit_disabled', { component: 'detect', reason: 'invalid' })).toBe(1);
    expect(vigil.logs.some((l) => l.includes('"event":"unit_disabled"') && l.includes('garbledProfile'))).toBe(true);
    for (const name of ['garbled', 'unknownsink']) {
      const status = await again.status(name);
      expect(status.state).toBe('INVALID');
      expect(status.lastError?.message).toBeTruthy();
    }
    // Producers hear a retryable refusal naming the problem, not a 500.
    const api = vigil.running.endpoints['api'] as string;
    const put = await fetch(`${api}/`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Firehose_20150804.PutRecord' }, body: JSON.stringify({ DeliveryStreamName: 'unknownsink', Record: { Data: Buffer.from('x').toString('base64') } }) });
    expect(put.status).toBe(503);
    expect(((await put.json()) as { message: string }).message).toContain('stored definition is invalid');
    expect((await again.status('good')).state).toBe('ACTIVE');
    expect((await again.put('good', ['{"ok":1}'])).recordIds).toHaveLength(1);
    // The profile is listed and can be deleted; detect evaluates the others.
    const profiles = await fetch(`${api}/security-profiles`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
    expect(profiles.status).toBe(200);
    const deleted = await fetch(`${api}/security-profiles/garbledProfile`, { method: 'DELETE', headers: { authorization: `Bearer ${vigil.adminToken}` } });
    expect(deleted.status).toBe(200);
  });
});
