import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp.js';
import { javascriptTransform } from './javascript.js';
import { checkTransformOutput } from '../../protocol/index.js';
import { runTransforms } from './run-transforms.js';
import type { Transform } from './transform.js';

const dir = tempDir('vigil-transform-');
afterAll(() => dir.remove());
const input = [1, 2, 3].map((n) => ({ id: String(n), data: Buffer.from(`r${n}`), arrival: 1000 + n }));
const context = { streamArn: 'arn:aws:firehose:local:000000000000:deliverystream/s', region: 'local' };

function module(name: string, source: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, source);
  return path;
}

function counting(fn: (event: { records: Array<{ recordId: string; data: string }> }) => unknown): Transform & { calls: number } {
  const t = { functionName: 'test', calls: 0, async invoke(event: never) { t.calls++; return fn(event); }, async close() {} };
  return t;
}

describe('transform contract (Firehose B.6)', () => {
  it.each([
    [{ records: [{ recordId: '1', result: 'Ok', data: '' }, { recordId: '2', result: 'Ok', data: '' }] }, 'Lambda.MissingRecordId'],
    [{ records: [{ recordId: '1', result: 'Ok', data: '' }, { recordId: '1', result: 'Ok', data: '' }, { recordId: '3', result: 'Ok', data: '' }] }, 'Lambda.DuplicatedRecordId'],
    [{ nope: true }, 'Lambda.JsonProcessingException'],
    [{ records: [{ recordId: '1', result: 'Maybe', data: '' }] }, 'Lambda.JsonProcessingException'],
  ])('rejects invalid output %j as %s', (output, code) => {
    const checked = checkTransformOutput(['1', '2', '3'], output);
    expect(checked).toMatchObject({ ok: false, errorCode: code });
  });

  it('keeps Ok records transformed, counts Dropped, and sends ProcessingFailed with the ORIGINAL bytes', async () => {
    const t = counting((event) => ({ records: event.records.map((r, i) => ({ recordId: r.recordId, result: ['Ok', 'Dropped', 'ProcessingFailed'][i], data: Buffer.from('T').toString('base64') })) }));
    const outcome = await runTransforms([{ transform: t, retries: 3 }], input, context);
    expect(outcome.ok.map((r) => Buffer.from(r.data).toString())).toEqual(['T']);
    expect(outcome.dropped).toBe(1);
    expect(outcome.failed.map((f) => [f.id, Buffer.from(f.data).toString(), f.errorCode])).toEqual([['3', 'r3', 'Lambda.ProcessingFailed']]);
  });

  it('retries a failing invocation NumberOfRetries times, then fails the whole batch', async () => {
    const t = counting(() => {
      throw new Error('boom');
    });
    const outcome = await runTransforms([{ transform: t, retries: 3 }], input, context);
    expect(t.calls).toBe(4);
    expect(outcome.ok).toEqual([]);
    expect(outcome.failed.map((f) => [f.errorCode, f.attempts])).toEqual([['Lambda.FunctionError', 4], ['Lambda.FunctionError', 4], ['Lambda.FunctionError', 4]]);
  });
});

describe('javascript transform (user module in a worker thread)', () => {
  const create = (path: string, parameters: Record<string, string> = {}) => javascriptTransform.create({ path, ...parameters }, { timeoutMs: 2000, memoryMb: 64 });

  it('runs a module\'s handler with the Firehose event and returns its output', async () => {
    const t = create(module('upper.mjs', `export async function handler(event) { return { records: event.records.map((r) => ({ recordId: r.recordId, result: 'Ok', data: Buffer.from(Buffer.from(r.data, 'base64').toString().toUpperCase()).toString('base64') })) }; }`));
    const outcome = await runTransforms([{ transform: t, retries: 0 }], input, context);
    await t.close();
    expect(outcome.ok.map((r) => Buffer.from(r.data).toString())).toEqual(['R1', 'R2', 'R3']);
  });

  it('kills an invocation past its time limit (Lambda.FunctionTimeout) and works again afterwards', async () => {
    const path = module('slow.mjs', `let first = true; export default async function (event) { if (first) { first = false; while (true) {} } return { records: event.records.map((r) => ({ recordId: r.recordId, result: 'Ok', data: r.data })) }; }`);
    const t = create(path, { timeoutSecs: '1' });
    const outcome = await runTransforms([{ transform: t, retries: 0 }], input, context);
    expect(outcome.failed[0]?.errorCode).toBe('Lambda.FunctionTimeout');
    const again = await runTransforms([{ transform: t, retries: 0 }], input, context);
    await t.close();
    // The killed worker is replaced by a fresh one (module state reset: `first` is true again, so it times out again).
    expect(again.failed[0]?.errorCode).toBe('Lambda.FunctionTimeout');
  });

  it('stops a module that exceeds its memory limit', async () => {
    const t = create(module('hog.mjs', `export async function handler() { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); }`), { memoryMb: '32', timeoutSecs: '20' });
    const outcome = await runTransforms([{ transform: t, retries: 0 }], input, context);
    await t.close();
    expect(outcome.failed[0]?.errorCode).toBe('Lambda.FunctionMemoryExceeded');
  });

  it('reports a module without a handler as Lambda.FunctionError', async () => {
    const t = create(module('empty.mjs', 'export const x = 1;'));
    const outcome = await runTransforms([{ transform: t, retries: 1 }], input, context);
    await t.close();
    expect(outcome.failed[0]).toMatchObject({ errorCode: 'Lambda.FunctionError', attempts: 2 });
  });
});
