import { encodeHecEnvelope, type TransformOutputRecord } from '../../protocol/index.js';
import type { Transform, TransformKind } from './transform.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function envelope(sourcetype: string, index: string, timeMs: unknown, event: unknown): string {
  return encodeHecEnvelope({ sourcetype, timeMs: typeof timeMs === 'number' ? timeMs : undefined, index, event });
}

function failed(recordId: string, data: string, errorMessage: string): TransformOutputRecord {
  return { recordId, result: 'ProcessingFailed', data, errorCode: 'Transform.UnrecognizedRecord', errorMessage };
}

/**
 * The reference pipeline's transform, corrected (reference-pipeline.md §6): a metrics export becomes
 * one HEC envelope per metric, an SNS audit notification one per `auditDetails` item, each with
 * `sourcetype` and `time`; anything else is ProcessingFailed with its reason (never silently lost).
 */
export function splitDeviceDefender(record: { recordId: string; data: string }, options: { sourcetype: string; auditTopicArn: string; index: string }): TransformOutputRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(record.data, 'base64').toString('utf8'));
  } catch (error) {
    return failed(record.recordId, record.data, `record is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(parsed)) return failed(record.recordId, record.data, 'record is not a JSON object');
  let envelopes: string[];
  if ('metrics' in parsed) {
    if (!Array.isArray(parsed['metrics'])) return failed(record.recordId, record.data, 'metrics is not an array');
    envelopes = parsed['metrics'].map((metric: unknown) => envelope(options.sourcetype, options.index, isObject(metric) ? metric['timestamp'] : undefined, metric));
  } else if (typeof parsed['TopicArn'] === 'string') {
    if (options.auditTopicArn !== '' && parsed['TopicArn'] !== options.auditTopicArn) {
      return failed(record.recordId, record.data, `SNS notification from ${parsed['TopicArn']}, not the audit topic ${options.auditTopicArn}`);
    }
    let message: unknown;
    try {
      message = JSON.parse(String(parsed['Message']));
    } catch {
      return failed(record.recordId, record.data, 'the SNS Message is not JSON');
    }
    if (!isObject(message) || !Array.isArray(message['auditDetails'])) return failed(record.recordId, record.data, 'the SNS Message has no auditDetails array');
    const startTime = message['taskStartTime'];
    envelopes = message['auditDetails'].map((detail: unknown) => envelope(options.sourcetype, options.index, startTime, detail));
  } else {
    return failed(record.recordId, record.data, 'record is neither a metrics export (no metrics key) nor an SNS audit notification (no TopicArn)');
  }
  if (envelopes.length === 0) return { recordId: record.recordId, result: 'Dropped', data: '' };
  return { recordId: record.recordId, result: 'Ok', data: Buffer.from(envelopes.join(''), 'utf8').toString('base64') };
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
      async close() {},
    };
  },
};
