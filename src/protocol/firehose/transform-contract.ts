/**
 * Firehose's transformation contract (spec B.6): the event one invocation gets, the records it must
 * answer, and the check of that answer.
 */

/** The input event of one invocation. */
export interface TransformEvent {
  readonly invocationId: string;
  readonly deliveryStreamArn: string;
  readonly region: string;
  readonly records: ReadonlyArray<{ readonly recordId: string; readonly approximateArrivalTimestamp: number; readonly data: string }>;
}

export type TransformResult = 'Ok' | 'Dropped' | 'ProcessingFailed';

/** One output record. `errorCode`/`errorMessage` are a Vigil extension: the reason written to processing-failed/. */
export interface TransformOutputRecord {
  readonly recordId: string;
  readonly result: TransformResult;
  readonly data: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

export type TransformCheck = { readonly ok: true; readonly records: ReadonlyMap<string, TransformOutputRecord> } | { readonly ok: false; readonly errorCode: string; readonly message: string };

/** Checks a transform's output against B.6: every input recordId exactly once, a known result, base64 data. */
export function checkTransformOutput(inputIds: readonly string[], output: unknown): TransformCheck {
  const records = (output as { records?: unknown } | null | undefined)?.records;
  if (!Array.isArray(records)) return { ok: false, errorCode: 'Lambda.JsonProcessingException', message: 'the transform output has no records array' };
  const wanted = new Set(inputIds);
  const seen = new Map<string, TransformOutputRecord>();
  for (const item of records as unknown[]) {
    const record = item as Partial<TransformOutputRecord> | null;
    if (record === null || typeof record !== 'object' || typeof record.recordId !== 'string' || !['Ok', 'Dropped', 'ProcessingFailed'].includes(String(record.result))) {
      return { ok: false, errorCode: 'Lambda.JsonProcessingException', message: 'an output record lacks recordId or a result of Ok | Dropped | ProcessingFailed' };
    }
    if (record.result === 'Ok' && typeof record.data !== 'string') return { ok: false, errorCode: 'Lambda.JsonProcessingException', message: `output record ${record.recordId} is Ok but has no base64 data` };
    if (!wanted.has(record.recordId)) return { ok: false, errorCode: 'Lambda.MissingRecordId', message: `output record id ${record.recordId} was not in the input` };
    if (seen.has(record.recordId)) return { ok: false, errorCode: 'Lambda.DuplicatedRecordId', message: `output record id ${record.recordId} appears twice` };
    seen.set(record.recordId, record as TransformOutputRecord);
  }
  for (const id of inputIds) {
    if (!seen.has(id)) return { ok: false, errorCode: 'Lambda.MissingRecordId', message: `input record ${id} is missing from the output` };
  }
  return { ok: true, records: seen };
}
