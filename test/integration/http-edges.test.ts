import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateVigilConfig } from '../../src/app/index.js';
import { dribble, rawHttp } from '../support/raw-http.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

let vigil: TestVigil;
let api: string;
let hec: string;
let hecToken: string;

beforeAll(async () => {
  // Short API timeouts keep these tests fast; HEC keeps its defaults, which the slow-body test measures.
  vigil = await startTestVigil({ log: { level: 'warn' }, api: { header_timeout_secs: 1, request_timeout_secs: 2 } });
  api = vigil.running.endpoints['api'] as string;
  hec = vigil.running.endpoints['hec'] as string;
  hecToken = readFileSync(join(vigil.dataDir, 'secrets', 'hec-token'), 'utf8').trim();
});
afterAll(async () => vigil?.stop());

const nested = (depth: number, leaf = '1'): string => '['.repeat(depth) + leaf + ']'.repeat(depth);

describe('bounded JSON at the HTTP edges', () => {
  it('answers a too-deep JSON body with 400 naming api.max_json_depth, in each route family\'s own error shape', async () => {
    const headers = { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' };
    const native = await fetch(`${api}/api/v1/streams`, { method: 'POST', headers, body: `{"name":"s","sink":${nested(2000)}}` });
    expect(native.status).toBe(400);
    expect(await native.json()).toMatchObject({ code: 'api.json_too_deep', message: expect.stringContaining('api.max_json_depth') as unknown });

    const aws = await fetch(`${api}/things/deep-thing`, { method: 'POST', headers, body: `{"attributePayload":${nested(100_000)}}` });
    expect(aws.status).toBe(400);
    expect(aws.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');
    expect(await aws.json()).toEqual({ message: expect.stringContaining('api.max_json_depth') as unknown });

    const firehose = await fetch(`${api}/`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Firehose_20150804.PutRecord' }, body: `{"DeliveryStreamName":"s","Record":${nested(5000)}}` });
    expect(firehose.status).toBe(400);
    expect(await firehose.json()).toMatchObject({ __type: 'InvalidRequestException' });
    expect(vigil.running.telemetry.counter('limit_hit', { component: 'api', limit: 'api.max_json_depth' })).toBe(3);
    // A body at the limit is parsed as usual (and refused, or not, by its route).
    const atLimit = await fetch(`${api}/api/v1/streams`, { method: 'POST', headers, body: `{"name":"s","sink":${nested(62)}}` });
    expect(atLimit.status).toBe(400);
    expect(((await atLimit.json()) as { code: string }).code).not.toBe('api.json_too_deep');
  });

  it('refuses a number that overflows to Infinity (1e309) in a query or a JSON body with 400 naming where it is', async () => {
    const headers = { authorization: `Bearer ${vigil.adminToken}` };
    for (const list of ['audit-tasks', 'audit-findings', 'things']) {
      const response = await fetch(`${api}/api/v1/lists/${list}?offset=1e309&limit=10`, { headers });
      expect([list, response.status]).toEqual([list, 400]);
      expect(await response.json()).toMatchObject({ message: expect.stringContaining('/offset must be a finite number') as unknown });
    }
    const body = await fetch(`${api}/api/v1/indexes`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"name":"edge-inf","retentionDays":1e309}' });
    expect(body.status).toBe(400);
    expect(await body.json()).toMatchObject({ message: expect.stringContaining('/retentionDays must be') as unknown });
    // A large finite offset is an empty page, not an error.
    const far = await fetch(`${api}/api/v1/lists/audit-tasks?offset=1e15&limit=10`, { headers });
    expect([far.status, ((await far.json()) as { items: unknown[] }).items]).toEqual([200, []]);
  });

  it('answers a HEC batch whose second event nests 100,000 deep with 400 code 6 and its invalid-event-number, indexing nothing of it', async () => {
    const good = (n: number): string => JSON.stringify({ event: { edge: 'hec-depth', n }, index: 'main' });
    const body = `${good(1)}\n{"event":${nested(100_000)}}\n${good(3)}`;
    const response = await fetch(`${hec}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${hecToken}` }, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ text: 'Invalid data format', code: 6, 'invalid-event-number': 1 });
    expect(vigil.running.telemetry.counter('limit_hit', { component: 'hec', limit: 'hec.max_event_depth' })).toBe(1);
    // The client drops the bad event and resends the rest: those are indexed once.
    const retry = await fetch(`${hec}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${hecToken}` }, body: `${good(1)}${good(3)}` });
    expect(await retry.json()).toEqual({ text: 'Success', code: 0 });
    const found = await vigil.running.siem.search({ query: 'index=main edge=hec-depth | stats count', earliest: '0' });
    expect(found.rows).toEqual([{ count: '2' }]);
  });
});

describe('size limits at the HTTP edges, each counted under its config key', () => {
  it('answers an API body over api.body_limit_bytes with 413', async () => {
    const body = JSON.stringify({ name: 's', pad: 'x'.repeat(6_291_456) });
    const response = await fetch(`${api}/api/v1/streams`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
    expect(vigil.running.telemetry.counter('limit_hit', { component: 'api', limit: 'api.body_limit_bytes' })).toBe(1);
  });

  it('answers a HEC event over hec.max_event_bytes with 400 code 6, and a gzip body inflating past hec.max_content_bytes with 413', async () => {
    const headers = { authorization: `Splunk ${hecToken}` };
    // Defaults (Splunk's): events up to 5 MiB, bodies up to 100 MiB after decompression.
    const big = await fetch(`${hec}/services/collector/raw`, { method: 'POST', headers, body: `ok\n${'y'.repeat(5 * 1_048_576 + 1)}\n` });
    expect(big.status).toBe(400);
    expect(await big.json()).toMatchObject({ code: 6 });
    expect(vigil.running.telemetry.counter('limit_hit', { component: 'hec', limit: 'hec.max_event_bytes' })).toBe(1);

    const bomb = gzipSync(Buffer.alloc(100 * 1_048_576 + 1, 0x20));
    expect(bomb.length).toBeLessThan(1_048_576);
    const inflated = await fetch(`${hec}/services/collector/raw`, { method: 'POST', headers: { ...headers, 'content-encoding': 'gzip' }, body: bomb });
    expect(inflated.status).toBe(413);
    expect(await inflated.json()).toEqual({ text: 'Content too large', code: 6 });
    expect(vigil.running.telemetry.counter('limit_hit', { component: 'hec', limit: 'hec.max_content_bytes' })).toBe(1);
  });
});

describe('HTTP timeouts and closing after refused credentials', () => {
  it('ships header and request timeouts of at most 30 s on the API and HEC', () => {
    const { config } = validateVigilConfig({});
    for (const listener of [config.api, config.hec]) {
      expect(listener.header_timeout_secs).toBeLessThanOrEqual(30);
      expect(listener.request_timeout_secs).toBeLessThanOrEqual(30);
    }
  });

  it('closes an API connection whose headers never finish with a JSON 408 (api.header_timeout_secs)', async () => {
    const exchange = rawHttp(api, 'GET /api/v1/streams HTTP/1.1\r\nHost: x\r\n');
    const result = await exchange.closed;
    expect(result.status).toBe(408);
    expect(JSON.parse(result.body)).toMatchObject({ code: 'api.request_timeout', message: expect.stringContaining('api.header_timeout_secs') as unknown });
    expect(result.afterMs).toBeLessThan(4000);
  });

  it('closes an API connection whose body dribbles in past api.request_timeout_secs with a JSON 408', async () => {
    const exchange = rawHttp(api, `POST /api/v1/streams HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${vigil.adminToken}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{`);
    dribble(exchange.socket, 200);
    const result = await exchange.closed;
    expect(result.status).toBe(408);
    expect(result.body).toContain('api.request_timeout_secs');
    expect(result.afterMs).toBeLessThan(5000);
  });

  it('answers 401 and closes the socket at once when a slow body comes with a bad API token', async () => {
    const exchange = rawHttp(api, 'POST /api/v1/streams HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{');
    dribble(exchange.socket, 100);
    const result = await exchange.closed;
    expect(result.status).toBe(401);
    expect(result.text.toLowerCase()).toContain('connection: close');
    expect(result.afterMs).toBeLessThan(1500);
  });

  it('answers 403 and closes the socket at once when a slow HEC body comes with an unknown token', async () => {
    const exchange = rawHttp(hec, 'POST /services/collector/event HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk 00000000-0000-0000-0000-000000000000\r\nContent-Length: 1000000\r\n\r\n{');
    dribble(exchange.socket, 100);
    const result = await exchange.closed;
    expect(result.status).toBe(403);
    expect(JSON.parse(result.body)).toEqual({ text: 'Invalid token', code: 4 });
    expect(result.afterMs).toBeLessThan(1500);
  });

  it('closes a HEC request whose body dribbles in within the default request timeout (at most 30 s) with a JSON 408', async () => {
    const exchange = rawHttp(hec, `POST /services/collector/event HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk ${hecToken}\r\nContent-Length: 1000000\r\n\r\n{`);
    dribble(exchange.socket, 500);
    const result = await exchange.closed;
    expect(result.status).toBe(408);
    expect(JSON.parse(result.body)).toMatchObject({ code: 408, text: expect.stringContaining('hec.request_timeout_secs') as unknown });
    process.stdout.write(`slow HEC body: 408 and closed after ${(result.afterMs / 1000).toFixed(1)} s\n`);
    expect(result.afterMs).toBeLessThanOrEqual(30_000);
    expect(vigil.running.telemetry.counter('limit_hit', { component: 'hec', limit: 'hec.request_timeout_secs' })).toBe(1);
  }, 45_000);
});
