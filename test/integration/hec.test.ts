import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError, systemClock, systemTimer } from '../../src/core/index.js';
import { validateVigilConfig } from '../../src/app/index.js';
import { createHecServer } from '../../src/siem/index.js';
import { hecTokenRepository } from '../../src/store/index.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const CHANNEL = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
let vigil: TestVigil;
let hec: string;
let plain: string;
let ack: string;
let qs: string;
let disabled: string;

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${hec}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const auth = (token: string): Record<string, string> => ({ authorization: `Splunk ${token}` });

beforeAll(async () => {
  vigil = await startTestVigil();
  hec = vigil.running.endpoints['hec'] as string;
  const siem = vigil.running.siem;
  await siem.createIndex('aws_hfb');
  plain = readFileSync(join(vigil.dataDir, 'secrets', 'hec-token'), 'utf8').trim();
  ack = (await siem.createToken({ name: 'firehose', index: 'aws_hfb', indexes: ['aws_hfb'], sourcetype: 'aws-iot-device-defender', useAck: true })).token;
  qs = (await siem.createToken({ name: 'qs', allowQueryStringAuth: true })).token;
  disabled = (await siem.createToken({ name: 'off' })).token;
  await siem.setTokenDisabled('off', true);
});
afterAll(async () => {
  await vigil.stop();
});

describe('HEC receiver (Splunk HEC conformance)', () => {
  it('first start created index main and the default token in secrets/hec-token, and endpoints.json names hec', async () => {
    expect(vigil.running.siem.indexExists('main')).toBe(true);
    const endpoints = JSON.parse(readFileSync(join(vigil.dataDir, 'run', 'endpoints.json'), 'utf8')) as Record<string, string>;
    expect(endpoints['hec']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('code 0: accepts an event and stores it with metadata defaults', async () => {
    const r = await post('/services/collector/event', JSON.stringify({ event: { a: 1 }, time: '1767225600.250', host: 'h1' }), auth(plain));
    expect(r).toEqual({ status: 200, json: { text: 'Success', code: 0 } });
    const found = await vigil.running.siem.search({ query: 'index=main h1 OR host=h1 | table _time, host, sourcetype, source, a' });
    expect(found.rows).toEqual([{ _time: '2026-01-01T00:00:00.250+00:00', host: 'h1', sourcetype: 'httpevent', source: 'http:default', a: '1' }]);
  });

  it('splunk-logging: /event/1.0, form content type, concatenated envelopes, string time', async () => {
    const body = JSON.stringify({ time: '1767225601.000', event: { message: 'one', severity: 'info' } }) + JSON.stringify({ time: '1767225602.000', event: { message: 'two', severity: 'info' } });
    const r = await post('/services/collector/event/1.0', body, { ...auth(plain), 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.json).toEqual({ text: 'Success', code: 0 });
    const found = await vigil.running.siem.search({ query: 'index=main severity=info | stats count' });
    expect(found.rows).toEqual([{ count: '2' }]);
  });

  it('Vector/Fluent Bit: newline-separated gzip envelopes with indexed fields, the /services/collector alias and a JSON array body', async () => {
    const body = gzipSync(`${JSON.stringify({ event: 'gz one', fields: { env: 'prod', tags: ['a', 'b'] } })}\n${JSON.stringify({ event: 'gz two' })}\n`);
    expect((await post('/services/collector', body, { ...auth(plain), 'content-encoding': 'gzip' })).json).toEqual({ text: 'Success', code: 0 });
    expect((await post('/services/collector/event', JSON.stringify([{ event: 'arr one' }, { event: 'arr two' }]), auth(plain))).json).toEqual({ text: 'Success', code: 0 });
    const found = await vigil.running.siem.search({ query: 'index=main env::prod' });
    expect(found.rows.map((r) => r['_raw'])).toEqual(['gz one']);
    expect((await vigil.running.siem.search({ query: 'index=main arr | stats count' })).rows).toEqual([{ count: '2' }]);
  });

  it('/raw: one event per non-blank line, metadata from the query string, basic auth', async () => {
    const basic = `Basic ${Buffer.from(`x:${plain}`).toString('base64')}`;
    const r = await post('/services/collector/raw?sourcetype=rawtest&host=rawhost', 'line one\n\n  \nline two', { authorization: basic });
    expect(r.json).toEqual({ text: 'Success', code: 0 });
    const found = await vigil.running.siem.search({ query: 'index=main sourcetype=rawtest | table host, _raw' });
    expect(found.rows).toEqual([{ host: 'rawhost', _raw: 'line two' }, { host: 'rawhost', _raw: 'line one' }]);
  });

  it('auth codes 2, 3, 4, 1 and query-string auth 16 / allowed', async () => {
    const body = JSON.stringify({ event: 'x' });
    expect(await post('/services/collector/event', body)).toEqual({ status: 401, json: { text: 'Token is required', code: 2 } });
    expect(await post('/services/collector/event', body, { authorization: `Bearer ${plain}` })).toEqual({ status: 401, json: { text: 'Invalid authorization', code: 3 } });
    expect(await post('/services/collector/event', body, auth('nope'))).toEqual({ status: 403, json: { text: 'Invalid token', code: 4 } });
    expect(await post('/services/collector/event', body, auth(disabled))).toEqual({ status: 403, json: { text: 'Token disabled', code: 1 } });
    // A query-string token wins over a valid header, even when the feature is off.
    expect(await post(`/services/collector/event?token=${plain}`, body, auth(plain))).toEqual({ status: 400, json: { text: 'Query string authorization is not enabled', code: 16 } });
    expect(await post('/services/collector/event?token=bad', body, auth(plain))).toEqual({ status: 403, json: { text: 'Invalid token', code: 4 } });
    expect((await post(`/services/collector/event?token=${qs}`, body)).json).toEqual({ text: 'Success', code: 0 });
  });

  it('the token is checked before channel and body: an invalid token with an empty body is 403 code 4', async () => {
    expect(await post('/services/collector/event', '', auth('nope'))).toEqual({ status: 403, json: { text: 'Invalid token', code: 4 } });
  });

  it('code 5: empty or whitespace body (the Firehose probe)', async () => {
    expect(await post('/services/collector/event', '', auth(plain))).toEqual({ status: 400, json: { text: 'No data', code: 5 } });
    expect(await post('/services/collector/event', ' \n\t ', auth(plain))).toEqual({ status: 400, json: { text: 'No data', code: 5 } });
    expect(await post('/services/collector/event', '', { ...auth(ack), 'x-splunk-request-channel': CHANNEL })).toEqual({ status: 400, json: { text: 'No data', code: 5 } });
  });

  it('codes 6, 12, 13, 15 carry invalid-event-number and index nothing of the request', async () => {
    const good = JSON.stringify({ event: 'atomic-check' });
    expect(await post('/services/collector/event', `${good}{"event":`, auth(plain))).toEqual({ status: 400, json: { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 } });
    expect(await post('/services/collector/event', `${good}${JSON.stringify({ event: 'x', time: 'yesterday' })}`, auth(plain))).toEqual({ status: 400, json: { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 } });
    expect(await post('/services/collector/event', `${good}${JSON.stringify({ event: 'x', fields: 'flat' })}`, auth(plain))).toEqual({ status: 400, json: { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 } });
    expect(await post('/services/collector/event', `${good}${good}${JSON.stringify({ host: 'h' })}`, auth(plain))).toEqual({ status: 400, json: { text: 'Event field is required', code: 12, 'invalid-event-number': 2 } });
    expect(await post('/services/collector/event', JSON.stringify({ event: '' }), auth(plain))).toEqual({ status: 400, json: { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': 0 } });
    expect(await post('/services/collector/event', JSON.stringify({ event: 'x', fields: { nested: { a: 1 } } }), auth(plain))).toEqual({ status: 400, json: { text: 'Error in handling indexed fields', code: 15, 'invalid-event-number': 0 } });
    expect((await vigil.running.siem.search({ query: 'atomic-check | stats count' })).rows).toEqual([{ count: '0' }]);
  });

  it('code 7: an index outside the allow-list or that does not exist', async () => {
    const headers = { ...auth(ack), 'x-splunk-request-channel': CHANNEL };
    expect(await post('/services/collector/event', JSON.stringify({ event: 'x', index: 'main' }), headers)).toEqual({ status: 400, json: { text: 'Incorrect index', code: 7 } });
    expect(await post('/services/collector/event', JSON.stringify({ event: 'x', index: 'nosuch' }), auth(plain))).toEqual({ status: 400, json: { text: 'Incorrect index', code: 7 } });
  });

  it('codes 10, 11, 14: channel missing or not a GUID on an ACK token; ack on a token without ACK', async () => {
    const body = JSON.stringify({ event: 'x' });
    expect(await post('/services/collector/event', body, auth(ack))).toEqual({ status: 400, json: { text: 'Data channel is missing', code: 10 } });
    expect(await post('/services/collector/raw', 'x', auth(ack))).toEqual({ status: 400, json: { text: 'Data channel is missing', code: 10 } });
    expect(await post('/services/collector/event?channel=not-a-guid', body, auth(ack))).toEqual({ status: 400, json: { text: 'Invalid data channel', code: 11 } });
    expect(await post('/services/collector/ack', '{"acks":[0]}', { ...auth(plain), 'x-splunk-request-channel': CHANNEL })).toEqual({ status: 400, json: { text: 'ACK is disabled', code: 14 } });
  });

  it('indexer ack: sequential ackIds per channel; an id reads false while the commit is held, true once committed, then is forgotten', async () => {
    const channel = '11111111-2222-4333-8444-555555555555';
    const headers = { ...auth(ack), 'x-splunk-request-channel': channel };
    const release = vigil.running.siem.store.hold();
    const first = await post('/services/collector/event', JSON.stringify({ event: { name: 'aws:num-listening-tcp-ports', thing: 't1', value: { count: 2 } } }), headers);
    const second = await post('/services/collector/event', JSON.stringify({ event: { name: 'aws:num-listening-tcp-ports', thing: 't1', value: { count: 3 } } }), headers);
    expect(first.json).toEqual({ text: 'Success', code: 0, ackId: 0 });
    expect(second.json).toEqual({ text: 'Success', code: 0, ackId: 1 });
    expect((await post('/services/collector/ack', '{"acks":[0,1,7]}', headers)).json).toEqual({ acks: { '0': false, '1': false, '7': false } });
    expect((await vigil.running.siem.search({ query: 'index=aws_hfb thing=t1 | stats count' })).rows).toEqual([{ count: '0' }]);
    release();
    await vigil.running.siem.store.flush();
    // the channel may also come as ?channel=
    expect((await post(`/services/collector/ack?channel=${channel}`, '{"acks":[0,1]}', auth(ack))).json).toEqual({ acks: { '0': true, '1': true } });
    expect((await post('/services/collector/ack', '{"acks":[0,1]}', headers)).json).toEqual({ acks: { '0': false, '1': false } });
    const found = await vigil.running.siem.search({ query: 'index=aws_hfb thing=t1 | table sourcetype, value.count' });
    expect(found.rows).toEqual([{ sourcetype: 'aws-iot-device-defender', 'value.count': '3' }, { sourcetype: 'aws-iot-device-defender', 'value.count': '2' }]);
  });

  it('health: 17 without a token, 21 for an invalid token, 22 for a disabled token; GET and POST', async () => {
    const get = async (query: string, headers: Record<string, string> = {}): Promise<unknown> => {
      const response = await fetch(`${hec}/services/collector/health${query}`, { headers });
      return { status: response.status, json: await response.json() };
    };
    expect(await get('')).toEqual({ status: 200, json: { text: 'HEC is healthy', code: 17 } });
    expect(await get('', auth(plain))).toEqual({ status: 200, json: { text: 'HEC is healthy', code: 17 } });
    expect(await get('?token=nope')).toEqual({ status: 400, json: { text: 'Invalid token', code: 21 } });
    expect(await get('', auth(disabled))).toEqual({ status: 400, json: { text: 'Token disabled', code: 22 } });
    expect((await post('/services/collector/health/1.0', '')).json).toEqual({ text: 'HEC is healthy', code: 17 });
  });

  it('unknown paths answer 404 with Splunk body; unsupported encodings 415 with a {"text","code"} body and the non-retryable code 6', async () => {
    expect(await post('/services/collector/mint', '{}', auth(plain))).toEqual({ status: 404, json: { text: 'The requested URL was not found on this server.', code: 404 } });
    for (const encoding of ['br', 'deflate']) {
      expect(await post('/services/collector/event', 'x', { ...auth(plain), 'content-encoding': encoding })).toEqual({ status: 415, json: { text: 'Unsupported Content-Encoding: send gzip or identity', code: 6 } });
    }
  });

  it('an event time outside years 1-9999 is code 6 (a client error), not code 8', async () => {
    for (const time of [9.59e306, -1.2e124, '253402300800']) {
      expect(await post('/services/collector/event', JSON.stringify({ event: 'x', time }), auth(plain))).toEqual({ status: 400, json: { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 } });
    }
    expect(await post('/services/collector/raw?time=1e300', 'line', auth(plain))).toMatchObject({ status: 400, json: { code: 6 } });
    expect((await post('/services/collector/event', JSON.stringify({ event: 'x', time: 253402300799 }), auth(plain))).json).toEqual({ text: 'Success', code: 0 });
  });

  it('a bad gzip body is code 6', async () => {
    expect(await post('/services/collector/event', Buffer.from('not gzip'), { ...auth(plain), 'content-encoding': 'gzip' })).toEqual({ status: 400, json: { text: 'Invalid data format', code: 6 } });
  });
});

describe('HEC under pressure, failure and shutdown (codes 9, 18, 8, 23)', () => {
  const event = JSON.stringify({ event: { msg: 'x' } });

  it('codes 9 and 18: more events waiting for a commit than hec.max_pending_events', async () => {
    const small = await startTestVigil({ hec: { max_pending_events: 2 } });
    try {
      const url = small.running.endpoints['hec'] as string;
      const token = (await small.running.siem.createToken({ name: 'acked', useAck: true })).token;
      const headers = { authorization: `Splunk ${token}`, 'x-splunk-request-channel': CHANNEL };
      const health = async (): Promise<unknown> => {
        const response = await fetch(`${url}/services/collector/health`);
        return { status: response.status, json: await response.json() };
      };
      const release = small.running.siem.store.hold();
      const send = async (): Promise<unknown> => {
        const response = await fetch(`${url}/services/collector/event`, { method: 'POST', headers, body: event + event });
        return { status: response.status, json: await response.json() };
      };
      expect(await send()).toEqual({ status: 200, json: { text: 'Success', code: 0, ackId: 0 } });
      expect(small.running.siem.store.pendingCount()).toBe(2);
      expect(await send()).toEqual({ status: 503, json: { text: 'Server is busy', code: 9 } });
      expect(await health()).toEqual({ status: 503, json: { text: 'HEC is unhealthy, queues are full', code: 18 } });
      release();
      await small.running.siem.store.flush();
      expect(await health()).toEqual({ status: 200, json: { text: 'HEC is healthy', code: 17 } });
      expect(await send()).toEqual({ status: 200, json: { text: 'Success', code: 0, ackId: 1 } });
    } finally {
      await small.stop();
    }
  });

  it('code 8: the store fails the commit of a non-ACK request', async () => {
    const broken = createHecServer(
      { ...validateVigilConfig({ data_dir: vigil.dataDir }).config.hec, listen: '127.0.0.1:0' },
      {
        tokens: hecTokenRepository(vigil.running.stores.registry),
        indexExists: async () => true,
        commit: async () => {
          throw new VigilError('siem.write_failed', 'disk full');
        },
        pendingEvents: () => 0,
        clock: systemClock,
        timer: systemTimer,
        telemetry: vigil.running.telemetry.child('hec'),
      },
    );
    await broken.start();
    try {
      const response = await fetch(`${broken.endpoint().url}/services/collector/event`, { method: 'POST', headers: auth(plain), body: event });
      expect({ status: response.status, json: await response.json() }).toEqual({ status: 500, json: { text: 'Internal server error', code: 8 } });
    } finally {
      await broken.stop();
    }
  });

  it('code 23: requests arriving while the server shuts down; the request in flight still completes', async () => {
    const closing = await startTestVigil();
    const url = closing.running.endpoints['hec'] as string;
    const token = readFileSync(join(closing.dataDir, 'secrets', 'hec-token'), 'utf8').trim();
    const release = closing.running.siem.store.hold();
    // A non-ACK request waits for its commit, so it is in flight while the commit is held.
    const inFlight = fetch(`${url}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body: event });
    while (closing.running.siem.store.pendingCount() === 0) await new Promise((r) => setTimeout(r, 5));
    const stopped = closing.stop();
    const late = await fetch(`${url}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body: event });
    expect({ status: late.status, json: await late.json() }).toEqual({ status: 503, json: { text: 'Server is shutting down', code: 23 } });
    release();
    const first = await inFlight;
    expect({ status: first.status, json: await first.json() }).toEqual({ status: 200, json: { text: 'Success', code: 0 } });
    await stopped;
  });
});
