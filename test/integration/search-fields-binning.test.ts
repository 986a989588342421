import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitDeviceDefender } from '../../src/stream/index.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

/**
 * Demo-shaped data through the real HEC listener and search API: three things report Device
 * Defender metrics every 300 s for two hours (thing-b opens port 21 after one hour) and one audit
 * run adds audit details, each message turned into HEC envelopes by the demo stream's transform. Checks `table *` field discovery, the fields summary, reference query 2
 * over all time (earliest_time=0) and commands after a chart.
 */
const T0 = 1767225600; // 2026-01-01T00:00:00Z
const ROUNDS = 24; // 2 hours of 300 s reports
const THINGS = ['thing-a', 'thing-b', 'thing-c'];
let vigil: TestVigil;
let api: string;

/** Listening TCP ports per report, as the corpus sends them (and as the tests expect them). */
function tcpPorts(thing: string, round: number): number[] {
  if (thing === 'thing-b' && round >= 12) return [21, 22, 80];
  return thing === 'thing-c' ? [22, 443, 8883] : [22, 80];
}

async function search(body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api}/api/v1/search`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** The audit details of one completed audit, as device-defender.md §6.7's SNS example gives them. */
const AUDIT_DETAILS = [
  { checkName: 'DEVICE_CERTIFICATE_EXPIRING_CHECK', checkRunStatus: 'COMPLETED_NON_COMPLIANT', nonCompliantResourcesCount: 2, totalResourcesCount: 195, suppressedNonCompliantResourceCount: 1 },
  { checkName: 'LOGGING_DISABLED_CHECK', checkRunStatus: 'COMPLETED_COMPLIANT', nonCompliantResourcesCount: 0, totalResourcesCount: 1, suppressedNonCompliantResourceCount: 0 },
  { checkName: 'UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK', checkRunStatus: 'FAILED', nonCompliantResourcesCount: 0, totalResourcesCount: 0, errorCode: 'INSUFFICIENT_PERMISSIONS', message: 'optional message if an error occurred' },
];
const AUDIT_TOPIC = 'arn:aws:sns:us-east-1:123456789012:device-defender-audit';

/** What the demo's stream posts to HEC for one record: the reference transform's output, decoded. */
function throughTransform(recordId: string, message: unknown): string {
  const out = splitDeviceDefender({ recordId, data: Buffer.from(JSON.stringify(message)).toString('base64') }, { sourcetype: 'aws-iot-device-defender', auditTopicArn: AUDIT_TOPIC, index: '' });
  expect(out.result).toBe('Ok');
  return Buffer.from(out.data, 'base64').toString('utf8');
}

beforeAll(async () => {
  vigil = await startTestVigil();
  api = vigil.running.endpoints['api'] as string;
  const hec = vigil.running.endpoints['hec'] as string;
  const token = readFileSync(join(vigil.dataDir, 'secrets', 'hec-token'), 'utf8').trim();
  // As in the demo: each report is a metrics export message (device-defender.md, metrics export) and
  // the audit completes with an SNS notification; both go through the stream's transform to HEC.
  const bodies: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    THINGS.forEach((thing, i) => {
      const at = (T0 + round * 300 + i * 5) * 1000;
      const ports = tcpPorts(thing, round);
      const metrics = [
        { name: 'aws:num-listening-tcp-ports', thing, value: { count: ports.length }, version: 1, timestamp: at },
        { name: 'aws:listening-tcp-ports', thing, value: { ports }, version: 1, timestamp: at },
        { name: 'aws:all-bytes-out', thing, value: { count: 1000 + round }, version: 1, timestamp: at },
      ];
      bodies.push(throughTransform(`${round}-${thing}`, { version: '1.0', metrics }));
    });
  }
  const notification = { accountId: '123456789012', taskId: 'task-1', taskStatus: 'COMPLETED', taskType: 'ON_DEMAND_AUDIT_TASK', failedChecksCount: 1, canceledChecksCount: 0, nonCompliantChecksCount: 1, compliantChecksCount: 1, totalChecksCount: 3, taskStartTime: (T0 + 1800) * 1000, auditDetails: AUDIT_DETAILS };
  bodies.push(throughTransform('audit', { Type: 'Notification', MessageId: 'm-1', TopicArn: AUDIT_TOPIC, Message: JSON.stringify(notification), Timestamp: new Date((T0 + 1801) * 1000).toISOString() }));
  const posted = await fetch(`${hec}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body: bodies.join('') });
  expect(await posted.json()).toEqual({ text: 'Success', code: 0 });
}, 60_000);
afterAll(async () => {
  await vigil.stop();
});

describe('field discovery', () => {
  it('index=main | table * shows thing, value.count and checkName columns (and the fields each event has)', async () => {
    const reply = await search({ query: 'index=main | table *', earliest: '0' });
    expect(reply.status).toBe(200);
    const columns = reply.body.columns as string[];
    for (const name of ['thing', 'value.count', 'checkName', 'name', 'value.ports{}', 'version', 'timestamp', 'host', 'sourcetype']) expect(columns).toContain(name);
    for (const name of ['checkRunStatus', 'nonCompliantResourcesCount', 'totalResourcesCount', 'suppressedNonCompliantResourceCount', 'errorCode', 'message']) expect(columns).toContain(name);
    const rows = reply.body.rows as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(ROUNDS * THINGS.length * 3 + AUDIT_DETAILS.length);
    const audit = rows.filter((r) => r['checkName'] !== undefined).sort((a, b) => String(a['checkName']).localeCompare(String(b['checkName'])));
    expect(audit).toEqual(AUDIT_DETAILS.map((d) => expect.objectContaining(Object.fromEntries(Object.entries(d).map(([k, v]) => [k, String(v)])))));
    expect(audit.every((r) => r['thing'] === undefined && r['value.count'] === undefined)).toBe(true);
    expect(rows.filter((r) => r['name'] === 'aws:all-bytes-out' && r['thing'] === 'thing-a').map((r) => Number(r['value.count'])).sort((a, b) => a - b)).toEqual(Array.from({ length: ROUNDS }, (_v, i) => 1000 + i));
  });

  it('fields value* and rename value.* AS v_* reach the extracted fields', async () => {
    const fields = await search({ query: 'index=main name="aws:num-listening-tcp-ports" | fields value* | table *', earliest: '0' });
    expect(fields.body.columns).toEqual(['value.count']);
    const renamed = await search({ query: 'index=main name="aws:num-listening-tcp-ports" thing=thing-c | rename value.* AS v_* | table thing v_*', earliest: '0' });
    expect(renamed.body.columns).toEqual(['thing', 'v_count']);
    expect(renamed.body.rows).toHaveLength(ROUNDS);
    expect(new Set((renamed.body.rows as Array<Record<string, string>>).map((r) => r['v_count']))).toEqual(new Set(['3']));
  });

  it('summary: true returns every field with its count, distinct count and top values, counted here independently', async () => {
    const reply = await search({ query: 'index=main', earliest: '0', summary: true, maxRows: 10 });
    expect(reply.status).toBe(200);
    expect(reply.body.rows).toHaveLength(10);
    expect(reply.body.total).toBe(ROUNDS * THINGS.length * 3 + AUDIT_DETAILS.length);
    const byName = new Map((reply.body.fields as Array<{ name: string; count: number; distinctCount: number; values: Array<{ value: string; count: number }> }>).map((f) => [f.name, f]));
    expect(byName.get('thing')).toMatchObject({ count: ROUNDS * THINGS.length * 3, distinctCount: 3 });
    expect(byName.get('checkName')).toMatchObject({ count: AUDIT_DETAILS.length, distinctCount: AUDIT_DETAILS.length, values: AUDIT_DETAILS.map((d) => ({ value: d.checkName, count: 1 })).sort((a, b) => (a.value < b.value ? -1 : 1)) });
    expect(byName.get('errorCode')).toMatchObject({ count: 1, distinctCount: 1, values: [{ value: 'INSUFFICIENT_PERMISSIONS', count: 1 }] });
    // value.count: port counts (2, 3 or 3) and bytes (1000 + round), per event.
    const counts = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const thing of THINGS) {
        for (const v of [tcpPorts(thing, round).length, 1000 + round]) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      }
    }
    const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([value, count]) => ({ value, count }));
    expect(byName.get('value.count')).toMatchObject({ count: ROUNDS * THINGS.length * 2, distinctCount: counts.size, values: top });
  });
});

describe('binning over all time', () => {
  it('reference query 2 with earliest_time=0 over two hours: one row per 300 s report, the port step visible for thing-b', async () => {
    const query = 'index="main" sourcetype="aws-iot-device-defender" | spath name | search name="aws:num-listening-tcp-ports" | chart max(value.count) as tcp_count over _time by thing';
    const form = new URLSearchParams({ search: `search ${query}`, output_mode: 'json', earliest_time: '0' });
    const response = await fetch(`${api}/services/search/jobs/export`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(response.status).toBe(200);
    const rows = (await response.text()).trim().split('\n').map((l) => (JSON.parse(l) as { result: Record<string, string> }).result);
    expect(rows).toHaveLength(ROUNDS);
    rows.forEach((row, round) => {
      expect(row['_time']).toBe(new Date((T0 + round * 300) * 1000).toISOString().replace('Z', '+00:00'));
      for (const thing of THINGS) expect(row[thing]).toBe(String(tcpPorts(thing, round).length));
    });
    const native = await search({ query, earliest: '0' });
    expect(native.body.rows).toEqual(rows);
  });

  it('commands after timechart: where, fillnull and sort read the chart table', async () => {
    const reply = await search({ query: "index=main name=\"aws:num-listening-tcp-ports\" | timechart span=10m max(value.count) by thing | where 'thing-b' > 2 | fillnull value=0 | sort - _time", earliest: '0' });
    expect(reply.status).toBe(200);
    const expected = Array.from({ length: ROUNDS / 2 }, (_v, i) => i)
      .filter((bucket) => tcpPorts('thing-b', bucket * 2 + 1).length > 2)
      .map((bucket) => new Date((T0 + bucket * 600) * 1000).toISOString().replace('Z', '+00:00'))
      .reverse();
    expect((reply.body.rows as Array<Record<string, string>>).map((r) => r['_time'])).toEqual(expected);
  });
});

describe('the console\'s search: binning from the data, kept results, the timeline', () => {
  const query2 = 'index="main" sourcetype="aws-iot-device-defender" | spath name | search name="aws:num-listening-tcp-ports" | chart max(value.count) as tcp_count over _time by thing';
  // A range a year wider than the two hours of data, as "Last 30 days" or a typed -400d would be.
  const earliest = new Date((T0 - 400 * 86400) * 1000).toISOString();
  const latest = new Date((T0 + 30 * 86400) * 1000).toISOString();

  it('binning: data cuts chart spans from the data inside a wide range (the step shows); the default (range) cuts them from the range', async () => {
    const wide = await search({ query: query2, earliest, latest });
    expect(wide.status).toBe(200);
    // Splunk's way: 430 days in at most 100 buckets, so the two hours land in one or two rows.
    expect(wide.body.rows.length).toBeLessThanOrEqual(2);
    const data = await search({ query: query2, earliest, latest, binning: 'data' });
    expect(data.status).toBe(200);
    const rows = data.body.rows as Array<Record<string, string>>;
    expect(rows.length).toBeGreaterThanOrEqual(ROUNDS / 2);
    const steps = rows.map((r) => Number(r['thing-b']));
    expect(steps[0]).toBe(2);
    expect(steps.at(-1)).toBe(3);
    // timechart fills buckets only across the data, not across the 430 days.
    const filled = await search({ query: 'index=main name="aws:num-listening-tcp-ports" | timechart count', earliest, latest, binning: 'data' });
    expect(filled.body.rows.length).toBeLessThanOrEqual(150);
    expect((filled.body.rows as Array<Record<string, string>>).reduce((sum, r) => sum + Number(r['count']), 0)).toBe(ROUNDS * THINGS.length);
  });

  it('pageSize keeps the results: the first page in the reply, every other page from GET /api/v1/search/{sid}/results, the timeline counts them all', async () => {
    const first = await search({ query: 'index=main name="aws:all-bytes-out"', earliest: '0', pageSize: 10, id: 'paging-test', summary: true, timeline: true });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ sid: 'paging-test', kept: ROUNDS * THINGS.length, total: ROUNDS * THINGS.length });
    expect(first.body.rows).toHaveLength(10);
    const seen = [...(first.body.rows as Array<Record<string, string>>)];
    for (let offset = 10; offset < first.body.kept; offset += 25) {
      const page = await fetch(`${api}/api/v1/search/paging-test/results?offset=${offset}&count=25`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
      expect(page.status).toBe(200);
      const body = (await page.json()) as { offset: number; kept: number; rows: Array<Record<string, string>> };
      expect(body).toMatchObject({ offset, kept: ROUNDS * THINGS.length });
      seen.push(...body.rows);
    }
    expect(seen).toHaveLength(ROUNDS * THINGS.length);
    expect(new Set(seen.map((r) => r['_raw'])).size).toBe(ROUNDS * THINGS.length);
    const timeline = first.body.timeline as { x: string; series: Array<{ name: string; values: number[] }> };
    expect(timeline.x).toBe('_time');
    expect(timeline.series[0]?.values.reduce((a, b) => a + b, 0)).toBe(ROUNDS * THINGS.length);
    const missing = await fetch(`${api}/api/v1/search/no-such-search/results?offset=0`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'search.not_found' });
    const bad = await fetch(`${api}/api/v1/search/paging-test/results?offset=-1`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
    expect(bad.status).toBe(400);
  });

  it('the 20 most recent searches keep their results: a 21st drops the oldest', async () => {
    for (let i = 0; i < 21; i++) expect((await search({ query: 'index=main thing=thing-a', earliest: '0', pageSize: 1, id: `kept-${i}` })).status).toBe(200);
    const page = (id: string): Promise<Response> => fetch(`${api}/api/v1/search/${id}/results?count=1`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
    expect((await page('kept-0')).status).toBe(404);
    for (const id of ['kept-1', 'kept-20']) expect((await page(id)).status).toBe(200);
  });
});
