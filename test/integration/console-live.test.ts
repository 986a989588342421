import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_EVENTS, type LiveEventType } from '../../src/api/contract/index.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

/**
 * The console's live updates (`/api/v1/events/stream`): an audit task that completes while a signed-in
 * console listens arrives as an `audit-task` server-sent event, and a violation that starts as a
 * `violation` event: the engines tell the feed as it happens (stream health is sampled every 5 s).
 */
let vigil: TestVigil;
let api: string;

/** The data of one `event: NAME` block, checked against the live feed's contract for NAME. */
function eventData(block: string, type: LiveEventType): unknown {
  expect(block.split('\n')[0]).toBe(`event: ${type}`);
  const data: unknown = JSON.parse(block.slice(block.indexOf('data: ') + 6));
  expect([...Value.Errors(LIVE_EVENTS[type], data)].map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  return data;
}

beforeAll(async () => {
  vigil = await startTestVigil();
  api = vigil.running.endpoints['api'] as string;
});
afterAll(async () => {
  await vigil.stop();
});

describe('console live updates', () => {
  it('a completed audit task reaches a signed-in console as an audit-task event', async () => {
    const session = await fetch(`${api}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: vigil.adminToken }) });
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const controller = new AbortController();
    const response = await fetch(`${api}/api/v1/events/stream`, { headers: { cookie }, signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toContain(': connected');
    // Let the first poll record what already exists, so the task below is new to it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await vigil.client.request('PATCH', '/audit/configuration', { auditCheckConfigurations: { LOGGING_DISABLED_CHECK: { enabled: true } } });
    const started = (await vigil.client.request<{ taskId: string }>('POST', '/audit/tasks', { targetCheckNames: ['LOGGING_DISABLED_CHECK'] })).taskId;
    const deadline = Date.now() + 20_000;
    // One read in flight at a time: a read that loses the race to the timer is awaited again, not dropped.
    let pending = reader.read();
    while (!text.includes(`"taskId":"${started}"`) && Date.now() < deadline) {
      const chunk = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000))]);
      if (chunk === undefined) continue;
      if (chunk.value !== undefined) text += decoder.decode(chunk.value);
      if (chunk.done) break;
      pending = reader.read();
    }
    await reader.cancel();
    controller.abort();
    const event = text.split('\n\n').find((block) => block.includes(`"taskId":"${started}"`)) ?? '';
    expect(event).toMatch(/^event: audit-task\ndata: /);
    expect(eventData(event, 'audit-task')).toMatchObject({ taskId: started, taskStatus: 'COMPLETED' });
  }, 30_000);

  it('a violation that starts reaches a signed-in console as a violation event, shaped like ListActiveViolations', async () => {
    const session = await fetch(`${api}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: vigil.adminToken }) });
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const controller = new AbortController();
    const response = await fetch(`${api}/api/v1/events/stream`, { headers: { cookie }, signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toContain(': connected');
    await vigil.client.request('POST', '/security-profiles/live-ports', { behaviors: [{ name: 'tcp', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals', value: { count: 3 }, consecutiveDatapointsToAlarm: 1, consecutiveDatapointsToClear: 1 } }] });
    await vigil.client.request('PUT', `/security-profiles/live-ports/targets?securityProfileTargetArn=${encodeURIComponent('arn:aws:iot:local:000000000000:all/things')}`);
    vigil.running.detect.engine.device({ thingName: 'live-dev', timestamp: Date.now(), reportId: 1, report: { header: { reportId: 1, version: '1.0' }, metrics: { listeningTcpPorts: { total: 5 } } }, clientId: 'live-dev' });
    const deadline = Date.now() + 10_000;
    let pending = reader.read();
    while (!text.includes('"thingName":"live-dev"') && Date.now() < deadline) {
      const chunk = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500))]);
      if (chunk === undefined) continue;
      if (chunk.value !== undefined) text += decoder.decode(chunk.value);
      if (chunk.done) break;
      pending = reader.read();
    }
    await reader.cancel();
    controller.abort();
    const event = text.split('\n\n').find((block) => block.includes('"thingName":"live-dev"')) ?? '';
    expect(event).toMatch(/^event: violation\ndata: /);
    const listed = await vigil.client.request<{ activeViolations: unknown[] }>('GET', '/active-violations?thingName=live-dev');
    expect(eventData(event, 'violation')).toEqual(listed.activeViolations[0]);
  }, 30_000);
});
