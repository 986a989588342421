import { encodeHecEnvelope, type TransformOutputRecord } from '../../protocol/index.js';
import type { Transform, TransformKind } from './transform.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function envelope(sourcetype: string, index: string, timeMs: unknown, event: unknown): string {
  return encodeHecEnvelope({ sourcetype, timeMs: typeof timeMs === 'number' ? timeMs : undefined, index, event });
}

type Split = { readonly result: 'Ok'; readonly text: string } | { readonly result: 'Dropped' } | { readonly result: 'ProcessingFailed'; readonly errorMessage: string };

const failed = (errorMessage: string): Split => ({ result: 'ProcessingFailed', errorMessage });

/** The transform on a record's text: the HEC body it becomes, or why it is dropped or failed. */
function split(text: string, options: { sourcetype: string; auditTopicArn: string; index: string }): Split {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return failed(`record is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(parsed)) return failed('record is not a JSON object');
  let envelopes: string[];
  if ('metrics' in parsed) {
    if (!Array.isArray(parsed['metrics'])) return failed('metrics is not an array');
    envelopes = parsed['metrics'].map((metric: unknown) => envelope(options.sourcetype, options.index, isObject(metric) ? metric['timestamp'] : undefined, metric));
  } else if (typeof parsed['TopicArn'] === 'string') {
    if (options.auditTopicArn !== '' && parsed['TopicArn'] !== options.auditTopicArn) {
      return failed(`SNS notification from ${parsed['TopicArn']}, not the audit topic ${options.auditTopicArn}`);
    }
    let message: unknown;
    try {
      message = JSON.parse(String(parsed['Message']));
    } catch {
      return failed('the SNS Message is not JSON');
    }
    if (!isObject(message) || !Array.isArray(message['auditDetails'])) return failed('the SNS Message has no auditDetails array');
    const startTime = message['taskStartTime'];
    envelopes = message['auditDetails'].map((detail: unknown) => envelope(options.sourcetype, options.index, startTime, detail));
  } else {
    return failed('record is neither a metrics export (no metrics key) nor an SNS audit notification (no TopicArn)');
  }
  if (envelopes.length === 0) return { result: 'Dropped' };
  return { result: 'Ok', text: envelopes.join('') };
}

const ERROR_CODE = 'Transform.UnrecognizedRecord';

/**
 * The reference pipeline's transform, corrected (reference-pipeline.md §6): a metrics export becomes
 * one HEC envelope per metric, an SNS audit notification one per `auditDetails` item, each with
 * `sourcetype` and `time`; anything else is ProcessingFailed with its reason (never silently lost).
 */
export function splitDeviceDefender(record: { recordId: string; data: string }, options: { sourcetype: string; auditTopicArn: string; index: string }): TransformOutputRecord {
  const out = split(Buffer.from(record.data, 'base64').toString('utf8'), options);
  if (out.result === 'Ok') return { recordId: record.recordId, result: 'Ok', data: Buffer.from(out.text, 'utf8').toString('base64') };
  if (out.result === 'Dropped') return { recordId: record.recordId, result: 'Dropped', data: '' };
  return { recordId: record.recordId, result: 'ProcessingFailed', data: record.data, errorCode: ERROR_CODE, errorMessage: out.errorMessage };
}

export const splitDeviceDefenderTransform: TransformKind = {
  type: 'split-device-defender',
  description: 'Device Defender metrics exports and SNS audit notifications → one HEC envelope per metric / audit detail',
  create(parameters): Transform {
    const options = { sourcetype: parameters['sourcetype'] ?? 'aws-iot-device-defender', auditTopicArn: parameters['auditTopicArn'] ?? '', index: parameters['index'] ?? '' };
    return {
      functionName: 'split-device-defender',
      async invoke(event) {
        return { records: event.records.map((r) => splitDeviceDefender(r, options)) };
      },
      transformBytes(records) {
        return records.map((r) => {
          const out = split(Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('utf8'), options);
          if (out.result === 'Ok') return { result: 'Ok', data: Buffer.from(out.text, 'utf8') };
          if (out.result === 'Dropped') return out;
          return { result: 'ProcessingFailed', errorCode: ERROR_CODE, errorMessage: out.errorMessage };
        });
      },
      async close() {},
    };
  },
};
