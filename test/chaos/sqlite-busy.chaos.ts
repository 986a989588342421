import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.js';
import { VigilProcess } from '../support/vigil-process.js';

describe('the registry database locked by another writer (SQLite busy)', () => {
  const dir = tempDir('vigil-chaos-busy-');
  const vigil = new VigilProcess(dir.path);
  afterAll(async () => {
    await vigil.kill();
    dir.remove();
  });

  it('answers writes with a retryable 503 naming the lock while another process holds it, serves reads, and writes again once it is released', async () => {
    await vigil.start();
    const createThing = (name: string): Promise<Response> => vigil.fetchApi(`/things/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect((await createThing('before-lock')).status).toBe(200);

    const intruder = new Database(join(vigil.dataDir, 'registry.sqlite'));
    intruder.pragma('busy_timeout = 0');
    intruder.exec('BEGIN EXCLUSIVE');
    let refused: Response;
    let listed: Response;
    try {
      refused = await createThing('while-locked');
      listed = await vigil.fetchApi('/things');
    } finally {
      intruder.exec('ROLLBACK');
      intruder.close();
    }
    const body = (await refused.json()) as { message?: string };
    process.stdout.write(`chaos sqlite busy: CreateThing while locked → ${refused.status} ${JSON.stringify(body)}; ListThings → ${listed.status}\n`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('x-amzn-errortype')).toBe('ServiceUnavailableException');
    expect(body.message).toContain('locked by another writer');
    expect(listed.status).toBe(200);
    expect((await createThing('after-lock')).status).toBe(200);
    const names = ((await (await vigil.fetchApi('/things')).json()) as { things: Array<{ thingName: string }> }).things.map((t) => t.thingName);
    expect(names).toEqual(expect.arrayContaining(['before-lock', 'after-lock']));
    expect(names).not.toContain('while-locked');
  });
});
