import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const T0 = 1767225600; // 2026-01-01T00:00:00Z
let vigil: TestVigil;
let api: string;

interface Reply {
  status: number;
  type: string;
  text: string;
  json: () => any;
}

async function call(method: string, path: string, options: { form?: Record<string, string>; json?: unknown; auth?: string | null; signal?: AbortSignal } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.auth !== null) headers['authorization'] = options.auth ?? `Bearer ${vigil.adminToken}`;
  let body: string | undefined;
  if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${api}${path}`, { method, headers, ...(body === undefined ? {} : { body }), ...(options.signal === undefined ? {} : { signal: options.signal }) });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) };
}

const ndjson = (text: string): any[] => text.trim().split('\n').map((l) => JSON.parse(l));

/** A query that cannot finish in any reasonable time (10 events x 1000^3 rows): for cancel and timeout tests. */
const ENDLESS = `index=main sourcetype=metric | eval a=split("${Array.from({ length: 1000 }, (_v, i) => i).join(',')}", ",") | mvexpand a | eval b=a | eval b=split("${Array.from({ length: 1000 }, (_v, i) => i).join(',')}", ",") | mvexpand b | eval c=split("${Array.from({ length: 1000 }, (_v, i) => i).join(',')}", ",") | mvexpand c | stats count`;

async function metric(status: string): Promise<number> {
  const text = await vigil.client.request<string>('GET', '/metrics');
  const match = new RegExp(`vigil_siem_search_total\\{[^}]*status="${status}"[^}]*\\} (\\d+)`).exec(text);
  return match === null ? 0 : Number(match[1]);
}

beforeAll(async () => {
  vigil = await startTestVigil();
  api = vigil.running.endpoints['api'] as string;
  const hec = vigil.running.endpoints['hec'] as string;
  const token = readFileSync(join(vigil.dataDir, 'secrets', 'hec-token'), 'utf8').trim();
  // 10 metric events (thing-1 / thing-2, 5 minutes apart) through the real HEC listener, and 2 raw lines.
  const events = Array.from({ length: 10 }, (_v, i) => JSON.stringify({ time: T0 + i * 300, sourcetype: 'metric', host: 'fleet', event: { name: 'aws:num-listening-tcp-ports', thing: `thing-${(i % 2) + 1}`, value: { count: 2 + (i >= 6 && i % 2 === 1 ? 1 : 0) }, tags: ['a', 'b'] } })).join('\n');
  const posted = await fetch(`${hec}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body: events });
  expect(await posted.json()).toEqual({ text: 'Success', code: 0 });
  const raw = await fetch(`${hec}/services/collector/raw?sourcetype=syslog&host=gw`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body: '2026-01-01T01:00:00Z sshd: Failed password for root\n2026-01-01T01:00:05Z sshd: Accepted password for ann\n' });
  expect(await raw.json()).toEqual({ text: 'Success', code: 0 });
});
afterAll(async () => {
  await vigil.stop();
});

describe('POST /services/auth/login', () => {
  it('answers a session key as XML, or JSON with output_mode=json; the key authenticates Splunk-style', async () => {
    const xml = await call('POST', '/services/auth/login', { form: { username: 'admin', password: vigil.adminToken }, auth: null });
    expect(xml.status).toBe(200);
    expect(xml.text).toMatch(/^<response>\s*<sessionKey>[^<]+<\/sessionKey>\s*<\/response>/);
    const json = await call('POST', '/services/auth/login', { form: { username: 'admin', password: vigil.adminToken, output_mode: 'json' }, auth: null });
    const { sessionKey } = json.json() as { sessionKey: string };
    expect(sessionKey.length).toBeGreaterThan(16);
    const search = await call('POST', '/services/search/jobs/export', { form: { search: 'search index=main sourcetype=syslog | stats count', output_mode: 'json' }, auth: `Splunk ${sessionKey}` });
    expect(ndjson(search.text)).toEqual([{ preview: false, offset: 0, lastrow: true, result: { count: '2' } }]);
  });

  it('a wrong password is 401 "Login failed"; calls without credentials are 401 "call not properly authenticated"', async () => {
    const bad = await call('POST', '/services/auth/login', { form: { username: 'admin', password: 'nope' }, auth: null });
    expect(bad.status).toBe(401);
    expect(bad.json()).toEqual({ messages: [{ type: 'WARN', text: 'Login failed' }] });
    const anonymous = await call('POST', '/services/search/jobs/export', { form: { search: 'search *', output_mode: 'json' }, auth: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json()).toEqual({ messages: [{ type: 'WARN', text: 'call not properly authenticated' }] });
    const basic = await call('POST', '/services/search/jobs/export', { form: { search: 'search index=main sourcetype=syslog | stats count', output_mode: 'csv' }, auth: `Basic ${Buffer.from(`admin:${vigil.adminToken}`).toString('base64')}` });
    expect(basic.text).toBe('count\n2\n');
  });
});

describe('/services/search/jobs/export and /services/search/v2/jobs/export', () => {
  for (const path of ['/services/search/jobs/export', '/services/search/v2/jobs/export']) {
    it(`${path} output_mode=json: NDJSON, 0-based offsets, lastrow on the last row, string values, multivalue arrays`, async () => {
      const reply = await call('POST', path, { form: { search: 'search index=main sourcetype=metric thing=thing-2 | head 2 | table _time, thing, value.count, tags{}', output_mode: 'json' } });
      expect(reply.status).toBe(200);
      expect(ndjson(reply.text)).toEqual([
        { preview: false, offset: 0, result: { _time: '2026-01-01T00:45:00.000+00:00', thing: 'thing-2', 'value.count': '3', 'tags{}': ['a', 'b'] } },
        { preview: false, offset: 1, lastrow: true, result: { _time: '2026-01-01T00:35:00.000+00:00', thing: 'thing-2', 'value.count': '3', 'tags{}': ['a', 'b'] } },
      ]);
    });
  }

  it('GET works too; zero results is one {"preview":false,"lastrow":true} line; earliest_time/latest_time bound the range', async () => {
    const none = await call('GET', `/services/search/v2/jobs/export?${new URLSearchParams({ search: 'search index=main nosuchterm', output_mode: 'json' })}`);
    expect(none.text).toBe('{"preview":false,"lastrow":true}\n');
    const bounded = await call('POST', '/services/search/jobs/export', { form: { search: '| search index=main sourcetype=metric | stats count', output_mode: 'json', earliest_time: String(T0 + 300), latest_time: '2026-01-01T00:20:00Z' } });
    expect(ndjson(bounded.text)).toEqual([{ preview: false, offset: 0, lastrow: true, result: { count: '3' } }]);
  });

  it('output_mode=csv: a header row, quoted cells, multivalues joined by newlines', async () => {
    const reply = await call('POST', '/services/search/v2/jobs/export', { form: { search: 'search index=main sourcetype=metric | stats max(value.count) as max values(tags{}) as tags by thing', output_mode: 'csv' } });
    expect(reply.type).toContain('text/csv');
    expect(reply.text).toBe('thing,max,tags\nthing-1,2,"a\nb"\nthing-2,3,"a\nb"\n');
  });

  it('output_mode=raw: one _raw per line, newest first', async () => {
    const reply = await call('POST', '/services/search/jobs/export', { form: { search: 'search index=main sourcetype=syslog sshd', output_mode: 'raw' } });
    expect(reply.text).toBe('2026-01-01T01:00:05Z sshd: Accepted password for ann\n2026-01-01T01:00:00Z sshd: Failed password for root\n');
  });

  it('many searches over one keep-alive connection leave no listener behind on it (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on('warning', onWarning);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = new URLSearchParams({ search: 'search index=main sourcetype=syslog | stats count', output_mode: 'csv' }).toString();
    const ports = new Set<number>();
    try {
      for (let i = 0; i < 15; i++) {
        const reply = await new Promise<{ status: number; text: string; port: number }>((resolve, reject) => {
          const req = httpRequest(`${api}/services/search/jobs/export`, { method: 'POST', agent, headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text, port: req.socket?.localPort ?? 0 }));
          });
          req.on('error', reject);
          req.end(body);
        });
        expect(reply).toMatchObject({ status: 200, text: 'count\n2\n' });
        ports.add(reply.port);
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
      agent.destroy();
    }
    expect(ports.size).toBe(1);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('an SPL error is 400 FATAL "Error in \'search\' command:" with the caret', async () => {
    const reply = await call('POST', '/services/search/jobs/export', { form: { search: 'search index=main | frobnicate', output_mode: 'json' } });
    expect(reply.status).toBe(400);
    const { messages } = reply.json() as { messages: Array<{ type: string; text: string }> };
    expect(messages[0]?.type).toBe('FATAL');
    expect(messages[0]?.text).toMatch(/^Error in 'search' command: search index=main \| frobnicate\n {20}\^{10}\n/);
  });
});

describe('/services/search/jobs', () => {
  it('exec_mode=oneshot answers the results body directly', async () => {
    const reply = await call('POST', '/services/search/jobs', { form: { search: 'search index=main sourcetype=metric | stats count by thing', exec_mode: 'oneshot', output_mode: 'json' } });
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ preview: false, init_offset: 0, messages: [], fields: [{ name: 'thing' }, { name: 'count' }], results: [{ thing: 'thing-1', count: '5' }, { thing: 'thing-2', count: '5' }], highlighted: {} });
  });

  it('exec_mode=blocking returns 201 {sid} once done; status and results with count and offset', async () => {
    const created = await call('POST', '/services/search/jobs', { form: { search: 'search index=main sourcetype=metric | sort _time | table _time, thing', exec_mode: 'blocking', output_mode: 'json' } });
    expect(created.status).toBe(201);
    const { sid } = created.json() as { sid: string };
    const status = await call('GET', `/services/search/jobs/${sid}?output_mode=json`);
    expect(status.json()).toMatchObject({ entry: [{ name: sid, content: { sid, dispatchState: 'DONE', isDone: true, isFailed: false, doneProgress: 1, resultCount: 10, messages: {} } }] });
    const page = await call('GET', `/services/search/jobs/${sid}/results?output_mode=json&count=2&offset=3`);
    expect(page.json()).toEqual({ preview: false, init_offset: 3, messages: [], fields: [{ name: '_time' }, { name: 'thing' }], results: [{ _time: '2026-01-01T00:15:00.000+00:00', thing: 'thing-2' }, { _time: '2026-01-01T00:20:00.000+00:00', thing: 'thing-1' }], highlighted: {} });
    const all = await call('GET', `/services/search/jobs/${sid}/results?output_mode=json&count=0`);
    expect((all.json() as { results: unknown[] }).results).toHaveLength(10);
  });

  it('exec_mode=normal (the default) answers 201 with an XML sid at once; the job finishes in the background', async () => {
    const created = await call('POST', '/services/search/jobs', { form: { search: 'search index=main sourcetype=syslog | stats count' } });
    expect(created.status).toBe(201);
    const sid = /<sid>([^<]+)<\/sid>/.exec(created.text)?.[1] as string;
    expect(sid).toBeDefined();
    let content: { isDone: boolean; dispatchState: string } = { isDone: false, dispatchState: '' };
    for (let i = 0; i < 200 && !content.isDone; i++) {
      content = ((await call('GET', `/services/search/jobs/${sid}?output_mode=json`)).json() as { entry: Array<{ content: typeof content }> }).entry[0]?.content as typeof content;
      if (!content.isDone) await new Promise((r) => setTimeout(r, 10));
    }
    expect(content.dispatchState).toBe('DONE');
    expect((await call('GET', `/services/search/jobs/${sid}/results?output_mode=json`)).json()).toMatchObject({ results: [{ count: '2' }] });
  });

  it('a running job: status RUNNING, results 204; DELETE cancels it and the sid is gone', async () => {
    const created = await call('POST', '/services/search/jobs', { form: { search: `search ${ENDLESS}`, output_mode: 'json', id: 'endless-1' } });
    expect(created.json()).toEqual({ sid: 'endless-1' });
    const status = await call('GET', '/services/search/jobs/endless-1?output_mode=json');
    expect(status.json()).toMatchObject({ entry: [{ content: { dispatchState: 'RUNNING', isDone: false } }] });
    expect((await call('GET', '/services/search/jobs/endless-1/results?output_mode=json')).status).toBe(204);
    const cancelled = await call('DELETE', '/services/search/jobs/endless-1?output_mode=json');
    expect(cancelled.status).toBe(200);
    expect((await call('GET', '/services/search/jobs/endless-1?output_mode=json')).status).toBe(404);
  });

  it('POST control action=cancel cancels too', async () => {
    await call('POST', '/services/search/jobs', { form: { search: `search ${ENDLESS}`, output_mode: 'json', id: 'endless-2' } });
    const reply = await call('POST', '/services/search/jobs/endless-2/control', { form: { action: 'cancel', output_mode: 'json' } });
    expect(reply.json()).toEqual({ messages: [{ type: 'INFO', text: 'Search job cancelled.' }] });
    expect((await call('GET', '/services/search/jobs/endless-2')).status).toBe(404);
  });

  it('a failed job reports isFailed with the SPL error; its results are 400 FATAL', async () => {
    const created = await call('POST', '/services/search/jobs', { form: { search: 'search index=main | eval x=nope(1)', exec_mode: 'blocking', output_mode: 'json' } });
    const { sid } = created.json() as { sid: string };
    const status = (await call('GET', `/services/search/jobs/${sid}?output_mode=json`)).json() as { entry: Array<{ content: { isFailed: boolean; dispatchState: string; messages: { fatal: string } } }> };
    expect(status.entry[0]?.content).toMatchObject({ isFailed: true, dispatchState: 'FAILED' });
    expect(status.entry[0]?.content.messages.fatal).toContain('nope');
    expect((await call('GET', `/services/search/jobs/${sid}/results?output_mode=json`)).status).toBe(400);
  });
});

describe('POST /api/v1/search', () => {
  it('an event search answers rows newest first with the default fields plus the referenced ones', async () => {
    const reply = await call('POST', '/api/v1/search', { json: { query: 'index=main sourcetype=metric thing=thing-1 | head 2' } });
    const body = reply.json() as { columns: string[]; rows: Array<Record<string, unknown>>; transforming: boolean; series: unknown };
    expect(body.transforming).toBe(false);
    expect(body.series).toBeNull();
    expect(body.columns).toEqual(expect.arrayContaining(['_time', 'host', 'source', 'sourcetype', 'index', '_raw', 'thing']));
    expect(body.rows.map((r) => r['_time'])).toEqual(['2026-01-01T00:40:00.000+00:00', '2026-01-01T00:30:00.000+00:00']);
    expect(body.rows[0]).toMatchObject({ host: 'fleet', index: 'main', sourcetype: 'metric', thing: 'thing-1' });
  });

  it('timechart output carries the column-oriented series form (x = _time as epoch seconds)', async () => {
    const reply = await call('POST', '/api/v1/search', { json: { query: 'index=main sourcetype=metric | timechart span=10m max(value.count) by thing', earliest: String(T0), latest: String(T0 + 3000) } });
    const body = reply.json();
    expect(body.transforming).toBe(true);
    expect(body.columns).toEqual(['_time', 'thing-1', 'thing-2']);
    expect(body.earliest).toBe('2026-01-01T00:00:00.000Z');
    expect(body.latest).toBe('2026-01-01T00:50:00.000Z');
    expect(body.series).toEqual({
      x: '_time',
      xValues: [0, 600, 1200, 1800, 2400].map((s) => T0 + s),
      series: [
        { name: 'thing-1', values: [2, 2, 2, 2, 2] },
        { name: 'thing-2', values: [2, 2, 2, 3, 3] },
      ],
    });
  });

  it('stats and chart output carry the series form too', async () => {
    const stats = (await call('POST', '/api/v1/search', { json: { query: 'index=main sourcetype=metric | stats count, max(value.count) as max by thing' } })).json();
    expect(stats.series).toEqual({ x: 'thing', xValues: ['thing-1', 'thing-2'], series: [{ name: 'count', values: [5, 5] }, { name: 'max', values: [2, 3] }] });
    const chart = (await call('POST', '/api/v1/search', { json: { query: 'index=main sourcetype=metric | chart count over thing by value.count' } })).json();
    expect(chart.rows).toEqual([{ thing: 'thing-1', '2': '5', '3': '0' }, { thing: 'thing-2', '2': '3', '3': '2' }]);
    expect(chart.series.series).toEqual([{ name: '2', values: [5, 3] }, { name: '3', values: [0, 2] }]);
  });

  it('explain returns every compiler stage', async () => {
    const body = (await call('POST', '/api/v1/search', { json: { query: 'index=main | stats count', explain: true } })).json() as { explain: string };
    for (const stage of ['== tokens', '== ast', '== plan', '== sql']) expect(body.explain).toContain(stage);
  });

  it('SPL errors answer 400 {code, message, hint} with the span and a caret rendering', async () => {
    const reply = await call('POST', '/api/v1/search', { json: { query: 'index=main (a OR b' } });
    expect(reply.status).toBe(400);
    const body = reply.json();
    expect(body.code).toBe('spl.unexpected_token');
    expect(typeof body.message).toBe('string');
    expect(body.caret).toContain('index=main (a OR b\n');
    expect(body.caret).toMatch(/\n {11,}\^+\n/);
    const unknown = (await call('POST', '/api/v1/search', { json: { query: 'index=main | frobnicate' } })).json();
    expect(unknown).toMatchObject({ code: 'spl.unknown_command', span: { offset: 13, length: 10 } });
    expect(`${unknown.message} ${unknown.hint}`).toMatch(/frobnicate[\s\S]*stats/);
    const explained = await call('POST', '/api/v1/search', { json: { query: 'index=main | eval x=nope(1)', explain: true } });
    expect(explained.json()).toMatchObject({ code: 'spl.unknown_function' });
  });

  it('is time-bounded: timeoutSecs stops the search with siem.search_timeout (422), saying no complete results were available', async () => {
    const reply = await call('POST', '/api/v1/search', { json: { query: ENDLESS, timeoutSecs: 1 } });
    expect(reply.status).toBe(422);
    expect(reply.json().message).toMatch(/budget of 1 s[\s\S]*no complete results/);
    expect(reply.json()).toMatchObject({ code: 'siem.search_timeout' });
  });

  it('is cancellable by DELETE /api/v1/search/:id (409 siem.search_cancelled); unknown ids are 404', async () => {
    expect((await call('DELETE', '/api/v1/search/nope')).status).toBe(404);
    const pending = call('POST', '/api/v1/search', { json: { query: ENDLESS, id: 'cancel-me' } });
    let deleted = 404;
    for (let i = 0; i < 500 && deleted === 404; i++) {
      deleted = (await call('DELETE', '/api/v1/search/cancel-me')).status;
      if (deleted === 404) await new Promise((r) => setTimeout(r, 10));
    }
    expect(deleted).toBe(204);
    const reply = await pending;
    expect(reply.status).toBe(409);
    expect(reply.json()).toMatchObject({ code: 'siem.search_cancelled' });
  });

  it('is cancelled when the client disconnects', async () => {
    const before = await metric('cancelled');
    // A dedicated connection (no keep-alive pool) that the test hangs up once the search runs.
    const body = JSON.stringify({ query: ENDLESS, id: 'disconnect-me' });
    const request = httpRequest(`${api}/api/v1/search`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    const closed = new Promise((resolve) => request.on('error', resolve).on('close', resolve));
    request.end(body);
    // The search cannot finish, so hanging up any time after the server read the request cancels it.
    await new Promise((r) => setTimeout(r, 200));
    request.destroy();
    await closed;
    let after = before;
    for (let i = 0; i < 500 && after === before; i++) {
      after = await metric('cancelled');
      if (after === before) await new Promise((r) => setTimeout(r, 10));
    }
    expect(after).toBe(before + 1);
  });
});
