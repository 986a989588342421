import { randomUUID } from 'node:crypto';
import { checkTransformOutput, type TransformCheck, type TransformOutputRecord } from '../../protocol/index.js';
import type { ByteResult, Transform } from './transform.js';
import { TransformInvocationError } from './javascript.js';

export interface TransformInput {
  readonly id: string;
  readonly data: Uint8Array;
  readonly arrival: number;
}

export interface ProcessingFailure extends TransformInput {
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly functionName: string;
}

export interface TransformOutcome {
  /** Records to deliver, transformed, in input order. */
  readonly ok: readonly TransformInput[];
  /** Records for processing-failed/, with the ORIGINAL bytes. */
  readonly failed: readonly ProcessingFailure[];
  readonly dropped: number;
}

/**
 * Runs each transform over a batch in turn. A failed invocation (error, timeout, invalid output) is
 * retried `retries` times, then the whole batch is processing-failed, as Firehose does.
 */
export async function runTransforms(
  transforms: ReadonlyArray<{ readonly transform: Transform; readonly retries: number }>,
  input: readonly TransformInput[],
  context: { readonly streamArn: string; readonly region: string },
): Promise<TransformOutcome> {
  const originals = new Map(input.map((r) => [r.id, r.data]));
  let current: readonly TransformInput[] = input;
  const failed: ProcessingFailure[] = [];
  let dropped = 0;
  for (const { transform, retries } of transforms) {
    if (current.length === 0) break;
    const bytes = transform.transformBytes === undefined ? undefined : byteResults(transform.transformBytes.bind(transform), current);
    if (bytes !== undefined) {
      const next: TransformInput[] = [];
      current.forEach((r, index) => {
        const out = bytes[index] as ByteResult;
        if (out.result === 'Ok') next.push({ id: r.id, arrival: r.arrival, data: out.data });
        else if (out.result === 'Dropped') dropped++;
        else failed.push({ ...r, data: originals.get(r.id) ?? r.data, errorCode: out.errorCode, errorMessage: out.errorMessage, attempts: 1, functionName: transform.functionName });
      });
      current = next;
      continue;
    }
    const event = {
      invocationId: randomUUID(),
      deliveryStreamArn: context.streamArn,
      region: context.region,
      records: current.map((r) => ({ recordId: r.id, approximateArrivalTimestamp: r.arrival, data: Buffer.from(r.data).toString('base64') })),
    };
    let checked: TransformCheck = { ok: false, errorCode: 'Lambda.FunctionError', message: 'not invoked' };
    let attempts = 0;
    while (attempts <= retries) {
      attempts++;
      try {
        checked = checkTransformOutput(event.records.map((r) => r.recordId), await transform.invoke(event));
      } catch (error) {
        checked = error instanceof TransformInvocationError
          ? { ok: false, errorCode: error.errorCode, message: error.message }
          : { ok: false, errorCode: 'Lambda.FunctionError', message: error instanceof Error ? error.message : String(error) };
      }
      if (checked.ok) break;
    }
    if (!checked.ok) {
      const { errorCode, message } = checked;
      for (const r of current) failed.push({ ...r, data: originals.get(r.id) ?? r.data, errorCode, errorMessage: message, attempts, functionName: transform.functionName });
      return { ok: [], failed, dropped };
    }
    const next: TransformInput[] = [];
    for (const r of current) {
      const out = checked.records.get(r.id) as TransformOutputRecord;
      if (out.result === 'Ok') next.push({ id: r.id, arrival: r.arrival, data: Buffer.from(out.data, 'base64') });
      else if (out.result === 'Dropped') dropped++;
      else {
        failed.push({
          ...r,
          data: originals.get(r.id) ?? r.data,
          errorCode: out.errorCode ?? 'Lambda.ProcessingFailed',
          errorMessage: out.errorMessage ?? 'the transform returned ProcessingFailed for this record',
          attempts,
          functionName: transform.functionName,
        });
      }
    }
    current = next;
  }
  return { ok: current, failed, dropped };
}

/** A built-in transform's results on bytes; undefined (run it through `invoke`) if it threw or miscounted. */
function byteResults(run: (records: readonly TransformInput[]) => ByteResult[], records: readonly TransformInput[]): ByteResult[] | undefined {
  try {
    const out = run(records);
    return out.length === records.length ? out : undefined;
  } catch {
    return undefined;
  }
}
