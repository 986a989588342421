import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitDeviceDefender, splitDeviceDefenderTransform } from './split-device-defender.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/stream/${name}`, import.meta.url), 'utf8');
const options = { sourcetype: 'aws-iot-device-defender', auditTopicArn: 'arn:aws:sns:local:000000000000:vigil-audit', index: '' };
const run = (text: string, opts = options) => splitDeviceDefender({ recordId: '1', data: Buffer.from(text).toString('base64') }, opts);
const decoded = (data: string): string => Buffer.from(data, 'base64').toString('utf8');

describe('split-device-defender (reference-pipeline.md §6, corrected)', () => {
  it('turns a recorded metrics export into the golden HEC body: one envelope per metric with time from its timestamp', () => {
    const out = run(fixture('export-message.json'));
    expect(out.result).toBe('Ok');
    expect(decoded(out.data)).toBe(fixture('export-message.hec'));
  });

  it('turns a recorded SNS audit envelope into the golden HEC body: one envelope per auditDetails item, time from taskStartTime', () => {
    const out = run(fixture('audit-envelope.json'));
    expect(out.result).toBe('Ok');
    expect(decoded(out.data)).toBe(fixture('audit-envelope.hec'));
  });

  it('adds the index when configured', () => {
    const out = run('{"metrics":[{"name":"m","timestamp":1000}]}', { ...options, index: 'aws_hfb' });
    expect(decoded(out.data)).toBe('{"sourcetype":"aws-iot-device-defender","time":1,"index":"aws_hfb","event":{"name":"m","timestamp":1000}}');
  });

  it.each([
    ['not JSON', 'record is not JSON'],
    ['{"hello":1}', 'neither a metrics export'],
    ['{"metrics":5}', 'metrics is not an array'],
    ['{"TopicArn":"arn:aws:sns:local:000000000000:other","Message":"{}"}', 'not the audit topic'],
    ['{"TopicArn":"arn:aws:sns:local:000000000000:vigil-audit","Message":"oops"}', 'the SNS Message is not JSON'],
    ['{"TopicArn":"arn:aws:sns:local:000000000000:vigil-audit","Message":"{}"}', 'no auditDetails'],
  ])('marks %s ProcessingFailed with a reason instead of dropping it', (text, reason) => {
    const out = run(text);
    expect(out.result).toBe('ProcessingFailed');
    expect(out.errorMessage).toContain(reason);
    expect(decoded(out.data)).toBe(text);
  });

  it('drops an export with no metrics (nothing to deliver)', () => {
    expect(run('{"version":"1.0","metrics":[]}').result).toBe('Dropped');
  });

  it('gives on bytes (transformBytes, no base64) exactly what it gives through the Firehose contract', async () => {
    const transform = splitDeviceDefenderTransform.create(options, { timeoutMs: 1000, memoryMb: 64 });
    const texts = [fixture('export-message.json'), fixture('audit-envelope.json'), '{"version":"1.0","metrics":[]}', 'not JSON', '{"metrics":5}'];
    const viaContract = (await transform.invoke({ invocationId: 'i', deliveryStreamArn: 'a', region: 'local', records: texts.map((t, i) => ({ recordId: String(i), approximateArrivalTimestamp: 0, data: Buffer.from(t).toString('base64') })) })) as { records: Array<{ result: string; data: string; errorCode?: string; errorMessage?: string }> };
    const viaBytes = transform.transformBytes?.(texts.map((t, i) => ({ id: String(i), data: Buffer.from(t) }))) ?? [];
    expect(viaBytes.map((r) => (r.result === 'Ok' ? { result: r.result, data: Buffer.from(r.data).toString('utf8') } : r.result === 'Dropped' ? { result: r.result } : { result: r.result, errorCode: r.errorCode, errorMessage: r.errorMessage }))).toEqual(
      viaContract.records.map((r) => (r.result === 'Ok' ? { result: r.result, data: decoded(r.data) } : r.result === 'Dropped' ? { result: r.result } : { result: r.result, errorCode: r.errorCode, errorMessage: r.errorMessage })),
    );
    expect(viaBytes.map((r) => r.result)).toEqual(['Ok', 'Ok', 'Dropped', 'ProcessingFailed', 'ProcessingFailed']);
  });
});
