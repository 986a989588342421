import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, systemTimer } from '../../src/core/index.js';
import { validateConfig } from '../../src/config/index.js';
import type { Sink } from '../../src/stream/index.js';
import { FaultHec, type FaultHecOptions, type HecFault } from '../support/fault-hec.js';
import { tempDir } from '../support/temp.js';
import { splunkHecSink } from './sinks-kinds.js';
import { record } from './sinks.suite.js';

const signal = (): AbortSignal => new AbortController().signal;

describe('splunk-hec sink against the fault-injecting HEC', () => {
  let hec: FaultHec | undefined;
  let sink: Sink | undefined;
  afterEach(async () => {
    await sink?.stop();
    await hec?.stop();
    sink = undefined;
  });

  async function open(options: FaultHecOptions, extra: Record<string, unknown> = {}): Promise<Sink> {
    hec = new FaultHec(options);
    await hec.start();
    const checked = validateConfig(splunkHecSink.schema, { type: 'splunk-hec', endpoint: hec.url, token: hec.token, ackPollIntervalMs: 20, ackTimeoutSecs: 1, requestTimeoutSecs: 2, ...extra });
    if (!checked.ok) throw checked.error;
    sink = splunkHecSink.create(checked.value.config as Record<string, unknown>, { stream: 's', streamArn: 'arn', version: 1, clock: systemClock, timer: systemTimer });
    return sink;
  }

  const cases: Array<[HecFault, boolean, string]> = [
    ['http503', true, 'Splunk.ServerError'],
    ['code9', true, 'Splunk.ServerError'],
    ['code6', false, 'Splunk.InvalidDataFormat'],
    ['code4', false, 'Splunk.InvalidToken'],
    ['never-ack', true, 'Splunk.AckTimeout'],
    ['drop', true, 'Splunk.ConnectionClosed'],
  ];
  for (const [fault, retryable, errorCode] of cases) {
    it(`maps fault ${fault} to ${errorCode} (${retryable ? 'retried' : 'not retried: straight to backup'})`, async () => {
      const s = await open({ fault: () => fault });
      const outcome = await s.deliver([record(1)], signal());
      expect(outcome).toMatchObject({ ok: false, retryable, errorCode });
    });
  }

  it('treats a HEC that is not listening as Splunk.InvalidEndpoint, retryable', async () => {
    const s = await open({});
    await hec?.stop();
    expect(await s.deliver([record(1)], signal())).toMatchObject({ ok: false, retryable: true, errorCode: 'Splunk.InvalidEndpoint' });
  });

  it('honours a configured list of non-retried codes (code 9 made permanent)', async () => {
    const s = await open({ fault: () => 'code9' }, { nonRetriedCodes: [9] });
    expect(await s.deliver([record(1)], signal())).toMatchObject({ ok: false, retryable: false });
  });

  it('sends the empty-body probe with token and channel and accepts 400 code 5', async () => {
    const s = await open({});
    expect(await s.probe()).toMatchObject({ ok: true });
    expect(hec?.probes).toBe(1);
  });

  it('reports a probe answered with the wrong token as Splunk.InvalidToken', async () => {
    const s = await open({}, { token: 'wrong' });
    expect(await s.probe()).toMatchObject({ ok: false, errorCode: 'Splunk.InvalidToken' });
  });

  it('keeps many batches in flight on one channel and polls their acks together', async () => {
    const s = await open({ ackDelayMs: 150 }, { maxInFlight: 8 });
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, b) => s.deliver([record(b)], signal())));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(hec?.channels.size).toBe(1);
    expect(hec?.maxPendingAcks).toBeGreaterThan(1);
    expect(hec?.maxIdsPerPoll).toBeGreaterThan(1);
    expect((hec?.ackPolls ?? 0)).toBeLessThan(8 * 10);
  });

  it('reports the ack latency of an acknowledged batch', async () => {
    const s = await open({ ackDelayMs: 50 });
    const outcome = await s.deliver([record(1)], signal());
    expect(outcome.ok && outcome.ackLatencyMs !== undefined && outcome.ackLatencyMs >= 0).toBe(true);
  });

  it('refuses (not retried) a token without indexer acknowledgement when acks are required', async () => {
    const s = await open({ useAck: false });
    expect(await s.deliver([record(1)], signal())).toMatchObject({ ok: false, retryable: false, errorCode: 'Splunk.DisabledAck' });
  });

  it('gzips bodies when configured', async () => {
    const s = await open({}, { gzip: true });
    expect((await s.deliver([record(1), record(2)], signal())).ok).toBe(true);
    expect(hec?.encodings).toEqual(['gzip']);
    expect(hec?.ids()).toEqual([1, 2]);
  });
});

describe('splunk-hec sink over TLS with a custom CA', () => {
  const dir = tempDir('vigil-hec-tls-');
  let key = '';
  let cert = '';
  let caFile = '';
  beforeAll(() => {
    const p = (name: string): string => join(dir.path, name);
    const run = (args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '1', '-subj', '/CN=Test HEC CA']);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('hec.key'), '-out', p('hec.csr'), '-subj', '/CN=127.0.0.1']);
    writeFileSync(p('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    run(['x509', '-req', '-in', p('hec.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('hec.pem'), '-days', '1', '-extfile', p('ext.cnf')]);
    key = readFileSync(p('hec.key'), 'utf8');
    cert = readFileSync(p('hec.pem'), 'utf8');
    caFile = p('ca.pem');
  });
  afterAll(() => dir.remove());

  async function deliverWith(extra: Record<string, unknown>): Promise<{ outcome: Awaited<ReturnType<Sink['deliver']>>; hec: FaultHec }> {
    const hec = new FaultHec({ tls: { key, cert } });
    await hec.start();
    const checked = validateConfig(splunkHecSink.schema, { type: 'splunk-hec', endpoint: hec.url, token: hec.token, ackPollIntervalMs: 20, ...extra });
    if (!checked.ok) throw checked.error;
    const sink = splunkHecSink.create(checked.value.config as Record<string, unknown>, { stream: 's', streamArn: 'arn', version: 1, clock: systemClock, timer: systemTimer });
    const outcome = await sink.deliver([record(1)], signal());
    await sink.stop();
    await hec.stop();
    return { outcome, hec };
  }

  it('delivers over HTTPS when caFile names the CA that signed the HEC certificate', async () => {
    const { outcome, hec } = await deliverWith({ caFile });
    expect(outcome.ok).toBe(true);
    expect(hec.ids()).toEqual([1]);
  });

  it('fails the TLS handshake (Splunk.SSLHandshake) without the custom CA', async () => {
    const { outcome } = await deliverWith({});
    expect(outcome).toMatchObject({ ok: false, errorCode: 'Splunk.SSLHandshake' });
  });
});
