import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, runAgent, type AgentOptions } from '../../src/agent/index.js';
import { decodeReport } from '../../src/protocol/index.js';
import { createTestPki, type TestPki } from '../support/test-pki.js';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { reportResponder, type Responder } from './agent-support.js';

const waitFor = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check()).toBe(true);
};

describe('agent publisher against an mTLS test broker', () => {
  let pki: TestPki;
  let broker: TestBroker;
  let responder: Responder;
  let dir: string;
  const events: string[] = [];
  const fastBackoff = { initialMs: 20, maxMs: 100, multiplier: 2, jitter: 0 };

  beforeAll(async () => {
    pki = await createTestPki();
    responder = reportResponder(300);
    broker = await startTestBroker({ pki, onPublish: (m, b) => responder.handle(m, b) });
    broker.broker.on('subscribe', (subs, client) => events.push(`subscribe ${client?.id ?? ''} ${subs.map((s) => s.topic).join(',')}`));
    broker.broker.on('publish', (packet, client) => void (client !== null && events.push(`publish ${client.id} ${packet.topic}`)));
    dir = mkdtempSync(join(tmpdir(), 'vigil-agent-'));
    writeFileSync(join(dir, 'ca.pem'), pki.caCertPem);
    for (const thing of ['dev-json', 'dev-cbor', 'dev-loop']) {
      const client = await pki.issueClient(thing);
      writeFileSync(join(dir, `${thing}.pem`), client.certPem);
      writeFileSync(join(dir, `${thing}.key`), client.keyPem);
    }
  });
  afterAll(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (thing: string, extra: Partial<AgentOptions> = {}): AgentOptions => ({
    endpoint: `mqtts://127.0.0.1:${broker.port}`,
    thingName: thing,
    certFile: join(dir, `${thing}.pem`),
    keyFile: join(dir, `${thing}.key`),
    caFile: join(dir, 'ca.pem'),
    format: 'json',
    keys: 'long',
    intervalSecs: 300,
    once: true,
    print: false,
    configFile: undefined,
    logLevel: 'info',
    responseTimeoutSecs: 10,
    ...extra,
  });

  it('--once: subscribes before publishing, publishes QoS 1 with client id = thing name, logs the acceptance, exits 0', async () => {
    const lines: string[] = [];
    const code = await runAgent(options('dev-json'), { logger: createLogger({ write: (l) => void lines.push(l) }) });
    expect(code).toBe(0);
    const mine = events.filter((e) => e.includes(' dev-json '));
    const subscribeAt = mine.findIndex((e) => e.startsWith('subscribe') && e.includes('/json/accepted') && e.includes('/json/rejected'));
    const publishAt = mine.findIndex((e) => e === 'publish dev-json $aws/things/dev-json/defender/metrics/json');
    expect(subscribeAt).toBeGreaterThanOrEqual(0);
    expect(publishAt).toBeGreaterThan(subscribeAt);
    const sent = responder.reports.find((r) => r.clientId === 'dev-json');
    expect([sent?.qos, sent?.certCn]).toEqual([1, 'dev-json']);
    const reportId = sent === undefined ? undefined : decodeReport(sent.payload, 'json');
    const accepted = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'report accepted');
    expect(accepted?.['reportId']).toBe(reportId?.ok ? reportId.value.header.reportId : 'unreadable');
  });

  it('CBOR with short keys goes to the cbor topic; rejections are logged at warn with their reason and exit 1', async () => {
    const t0 = Date.now();
    const at = (ms: number) => ({ now: () => ms });
    const cbor = options('dev-cbor', { format: 'cbor', keys: 'short' });
    const run = async (clockMs: number): Promise<{ code: number; rejected: Record<string, unknown> | undefined }> => {
      const lines: string[] = [];
      const code = await runAgent(cbor, { clock: at(clockMs), logger: createLogger({ write: (l) => void lines.push(l) }) });
      return { code, rejected: lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'report rejected') };
    };
    expect((await run(t0)).code).toBe(0);
    const sent = responder.reports.filter((r) => r.clientId === 'dev-cbor');
    expect(sent[0]?.topic).toBe('$aws/things/dev-cbor/defender/metrics/cbor');
    expect(sent[0] !== undefined && decodeReport(sent[0].payload, 'cbor').ok).toBe(true);

    // A restarted agent in the same second repeats the report id: the responder refuses it.
    const duplicate = await run(t0);
    expect([duplicate.code, duplicate.rejected?.['level'], duplicate.rejected?.['errorCode']]).toEqual([1, 'warn', 'InvalidPayload']);
    expect(duplicate.rejected?.['reason']).toBe('Report id is not greater than the last accepted report id');
    // A later id within 300 s is throttled.
    const throttled = await run(t0 + 5000);
    expect([throttled.code, throttled.rejected?.['level'], throttled.rejected?.['errorCode']]).toEqual([1, 'warn', 'InvalidPayload']);
    expect(throttled.rejected?.['reason']).toBe('Metrics report throttled');
  });

  it('--once gives up with exit 1 and a warning when no broker answers the connection', async () => {
    const lines: string[] = [];
    const code = await runAgent(options('dev-json', { endpoint: 'mqtts://127.0.0.1:1', responseTimeoutSecs: 0.5 }), { logger: createLogger({ write: (l) => void lines.push(l) }), backoff: fastBackoff });
    expect(code).toBe(1);
    expect(lines.some((l) => l.includes('could not connect to the broker'))).toBe(true);
    expect(lines.some((l) => l.includes('disconnected; reconnecting'))).toBe(true);
  });

  it('reconnects with backoff after the broker drops the connection, and keeps reporting', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    const running = runAgent(options('dev-loop', { once: false, intervalSecs: 1 }), {
      logger: createLogger({ write: (l) => void lines.push(l) }),
      signal: controller.signal,
      backoff: fastBackoff,
    });
    await waitFor(() => responder.reports.some((r) => r.clientId === 'dev-loop'));
    const count = responder.reports.filter((r) => r.clientId === 'dev-loop').length;
    const client = (broker.broker as unknown as { clients: Record<string, { close(): void }> }).clients['dev-loop'];
    client?.close();
    await waitFor(() => lines.some((l) => l.includes('disconnected; reconnecting')));
    await waitFor(() => lines.filter((l) => l.includes('"msg":"connected"')).length >= 2);
    await waitFor(() => responder.reports.filter((r) => r.clientId === 'dev-loop').length > count + 1);
    controller.abort();
    expect(await running).toBe(0);
  });
});
