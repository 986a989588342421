import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const T0 = 1767225600; // 2026-01-01T00:00:00Z
const files = tempDir('vigil-lookups-');
let vigil: TestVigil;
let cli: ReturnType<typeof cliFor>;
let api: string;

async function call(method: string, path: string, options: { body?: string; type?: string; auth?: boolean } = {}): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  if (options.auth !== false) headers['authorization'] = `Bearer ${vigil.adminToken}`;
  if (options.type !== undefined) headers['content-type'] = options.type;
  const response = await fetch(`${api}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

function file(name: string, text: string): string {
  const path = join(files.path, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  vigil = await startTestVigil();
  api = vigil.running.endpoints['api'] as string;
  cli = cliFor(vigil);
  const hec = vigil.running.endpoints['hec'] as string;
  const token = readFileSync(join(vigil.dataDir, 'secrets', 'hec-token'), 'utf8').trim();
  const events = ['alice', 'bob', 'alice', 'mallory'].map((user, i) => JSON.stringify({ time: T0 + i * 60, sourcetype: 'login', host: 'gw', event: { user, action: 'login' } })).join('\n');
  const posted = await fetch(`${hec}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body: events });
  expect(await posted.json()).toEqual({ text: 'Success', code: 0 });
});
afterAll(async () => {
  await vigil.stop();
  files.remove();
});

describe('vigil lookup upload / list / delete, and lookups in searches on the running server', () => {
  it('upload from a CSV file, then search with lookup, inputlookup and a subsearch', async () => {
    const uploaded = await cli('lookup', 'upload', 'owners.csv', file('owners.csv', 'user,team\nalice,red\nbob,blue\n"carol, jr",red\n'));
    expect(uploaded).toMatchObject({ code: 0, out: 'uploaded lookup owners.csv from owners.csv: 3 rows, columns user, team\n' });

    const enriched = await cli('search', 'index=main sourcetype=login | lookup owners user OUTPUT team | stats count by team', '--earliest', '0', '--output', 'json');
    expect(enriched.err).toBe('');
    expect(enriched.code).toBe(0);
    expect(JSON.parse(enriched.out)).toEqual([{ team: 'blue', count: '1' }, { team: 'red', count: '2' }]);

    const rows = await call('POST', '/api/v1/search', { type: 'application/json', body: JSON.stringify({ query: '| inputlookup owners.csv WHERE team=red', earliest: '0' }) });
    expect(rows.status).toBe(200);
    expect(rows.json.rows).toEqual([{ user: 'alice', team: 'red' }, { user: 'carol, jr', team: 'red' }]);

    const sub = await cli('search', 'index=main sourcetype=login NOT [ | inputlookup owners.csv | fields user ] | table user', '--earliest', '0', '--output', 'json');
    expect(JSON.parse(sub.out)).toEqual([{ user: 'mallory' }]);
  });

  it('a subsearch cut at maxout says so: a warning from the CLI, messages from the native and Splunk APIs', async () => {
    const numbers = Array.from({ length: 10_005 }, (_v, i) => String(i + 1)).join('\n');
    expect((await cli('lookup', 'upload', 'numbers', file('numbers.csv', `n\n${numbers}\n`))).code).toBe(0);
    const query = '| inputlookup numbers WHERE [ | inputlookup numbers | fields n ] | stats count';
    const warning = 'a subsearch returned more than 10000 rows; only the first 10000 were used (subsearch maxout)';
    const printed = await cli('search', query, '--output', 'json');
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.out)).toEqual([{ count: '10000' }]);
    expect(printed.err).toBe(`warning: ${warning}\n`);
    const native = await call('POST', '/api/v1/search', { type: 'application/json', body: JSON.stringify({ query }) });
    expect(native.json.messages).toEqual([{ type: 'WARN', text: warning }]);
    const job = await call('POST', '/services/search/jobs', { type: 'application/x-www-form-urlencoded', body: new URLSearchParams({ search: query, exec_mode: 'oneshot', output_mode: 'json' }).toString() });
    expect(job.status).toBe(200);
    expect(job.json.messages).toEqual([{ type: 'WARN', text: warning }]);
    expect(job.json.results).toEqual([{ count: '10000' }]);
    // A subsearch that fits says nothing.
    expect((await cli('search', '| inputlookup numbers WHERE [ | inputlookup numbers | head 3 | fields n ] | stats count', '--output', 'json')).err).toBe('');
    expect((await cli('lookup', 'delete', 'numbers')).code).toBe(0);
  });

  it('list shows name, rows, size and columns; --json gives the same', async () => {
    const table = await cli('lookup', 'list');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^NAME\s+ROWS\s+BYTES\s+COLUMNS\s+UPDATED$/m);
    expect(table.out).toMatch(/^owners\.csv\s+3\s+45\s+user,team\s+\d{4}-/m);
    const json = await cli('lookup', 'list', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ lookups: [{ name: 'owners.csv', columns: ['user', 'team'], rows: 3, bytes: 45 }] });
  });

  it('a malformed CSV is rejected with its line number, and nothing is stored', async () => {
    const ragged = await cli('lookup', 'upload', 'bad', file('bad.csv', 'user,team\nalice,red\nbob\n'));
    expect(ragged.code).toBe(1);
    expect(ragged.err).toContain('line 3: 1 fields, but the header has 2 columns');
    const unclosed = await call('PUT', '/api/v1/lookups/bad', { type: 'text/csv', body: 'user,team\nalice,"red\n' });
    expect(unclosed.status).toBe(400);
    expect(unclosed.json).toMatchObject({ code: 'lookup.invalid_csv', message: 'line 2: a quoted field is not closed' });
    const names = (await call('GET', '/api/v1/lookups')).json.lookups.map((l: { name: string }) => l.name);
    expect(names).toEqual(['owners.csv']);
  });

  it('a NUL byte in the header is a 400 naming the column, from the API and the CLI; nothing is stored', async () => {
    const api = await call('PUT', '/api/v1/lookups/nul', { type: 'text/csv', body: 'user,te\u0000am\nalice,red\n' });
    expect(api.status).toBe(400);
    expect(api.json).toMatchObject({ code: 'lookup.invalid_csv', message: 'line 1, column 2: column name "te\\u0000am" holds a control character (U+0000)' });
    const json = await call('POST', '/api/v1/lookups', { type: 'application/json', body: JSON.stringify({ name: 'nul', csv: 'a\u0000\n1\n' }) });
    expect(json.status).toBe(400);
    expect(json.json.code).toBe('lookup.invalid_csv');
    const printed = await cli('lookup', 'upload', 'nul', file('nul.csv', 'user,team\u0007\nalice,red\n'));
    expect(printed.code).toBe(1);
    expect(printed.err).toContain('line 1, column 2: column name "team\\u0007" holds a control character (U+0007)');
    expect((await call('GET', '/api/v1/lookups/nul')).status).toBe(404);
  });

  it('inputlookup of a path is refused as an invalid lookup name on every search surface, never zero rows', async () => {
    const query = '| inputlookup ../../secrets/admin-token';
    const expected = "invalid lookup name '../../secrets/admin-token'";
    const printed = await cli('search', query, '--earliest', '0');
    expect(printed.code).toBe(1);
    expect(printed.err).toContain(expected);
    const native = await call('POST', '/api/v1/search', { type: 'application/json', body: JSON.stringify({ query, earliest: '0' }) });
    expect(native.status).toBe(400);
    expect(native.json).toMatchObject({ code: 'spl.invalid_lookup_name', message: expected });
    expect(native.json.hint).toContain('not a file path');
    const job = await call('POST', '/services/search/jobs', { type: 'application/x-www-form-urlencoded', body: new URLSearchParams({ search: query, exec_mode: 'oneshot', output_mode: 'json' }).toString() });
    expect(job.status).toBe(400);
    expect(job.json.messages[0].type).toBe('FATAL');
    expect(job.json.messages[0].text).toContain(expected);
    const exported = await call('POST', '/services/search/jobs/export', { type: 'application/x-www-form-urlencoded', body: new URLSearchParams({ search: query, output_mode: 'json' }).toString() });
    expect(exported.status).toBe(400);
    expect(exported.json.messages[0].text).toContain(expected);
    // A well-formed name that is not uploaded says it does not exist.
    const missing = await call('POST', '/api/v1/search', { type: 'application/json', body: JSON.stringify({ query: '| inputlookup admin-token', earliest: '0' }) });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ code: 'spl.unknown_lookup', message: "unknown lookup 'admin-token'" });
  });

  it('the API uploads a raw text/csv body and refuses calls without credentials', async () => {
    const put = await call('PUT', '/api/v1/lookups/ips', { type: 'text/csv', body: 'ip,zone\r\n10.0.0.1,dmz\r\n' });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ name: 'ips', columns: ['ip', 'zone'], rows: 1 });
    expect((await call('GET', '/api/v1/lookups', { auth: false })).status).toBe(401);
    expect((await call('PUT', '/api/v1/lookups/x', { type: 'text/csv', body: 'a\n1\n', auth: false })).status).toBe(401);
    expect((await call('DELETE', '/api/v1/lookups/ips', { auth: false })).status).toBe(401);
    expect((await call('DELETE', '/api/v1/lookups/ips')).status).toBe(204);
  });

  it('delete removes the lookup; searches naming it then fail with a clear error', async () => {
    const deleted = await cli('lookup', 'delete', 'owners.csv');
    expect(deleted).toMatchObject({ code: 0, out: 'deleted lookup owners.csv\n' });
    expect(JSON.parse((await cli('lookup', 'list', '--json')).out)).toEqual({ lookups: [] });
    const search = await cli('search', 'index=main | lookup owners.csv user', '--earliest', '0');
    expect(search.code).toBe(1);
    expect(search.err).toContain("unknown lookup 'owners.csv'");
    const again = await cli('lookup', 'delete', 'owners.csv');
    expect(again.code).toBe(1);
    expect(again.err).toContain('no lookup owners.csv');
  });
});
