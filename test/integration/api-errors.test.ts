import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

/** The error mapper over real HTTP: expected failures get their status, a bug a 500 that says nothing but is logged. */
let vigil: TestVigil;
let api: string;
const auth = (): Record<string, string> => ({ authorization: `Bearer ${vigil.adminToken}` });

beforeAll(async () => {
  vigil = await startTestVigil();
  api = vigil.running.endpoints['api'] as string;
});
afterAll(async () => {
  await vigil.stop().catch(() => undefined);
});

describe('API errors', () => {
  it('answers an expected failure with the status of its kind and its own code', async () => {
    const missing = await fetch(`${api}/api/v1/indexes/no-such-index`, { method: 'DELETE', headers: auth() });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'siem.index_not_found' });
    const bad = await fetch(`${api}/api/v1/indexes`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Not A Name!' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'siem.invalid_index_name' });
  });

  it('answers a failure nobody expected with a 500 that leaks nothing, and logs it with its code', async () => {
    // A broken store: the event database closed under a running server.
    await vigil.running.stores.events.close();
    const response = await fetch(`${api}/api/v1/indexes`, { headers: auth() });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ code: 'internal.error', message: 'internal error; see the server log' });
    const logged = vigil.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['event'] === 'component_error' && line['component'] === 'api');
    expect(logged.map((line) => line['code'])).toContain('internal.unexpected');
  });
});
