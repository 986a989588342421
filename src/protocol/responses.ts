import { VigilError, err, ok, type Result } from '../core/index.js';
import { cborDecode, cborEncode } from './cbor.js';
import type { ReportFormat } from './metric-report.js';
import type { ReportRejection } from './report-rejection.js';

/** The broker's answer on `/accepted` or `/rejected` (§1.5); `timestamp` is epoch milliseconds. */
export type DefenderResponse =
  | { readonly status: 'ACCEPTED'; readonly thingName: string; readonly reportId: number; readonly timestamp: number }
  | {
      readonly status: 'REJECTED';
      readonly thingName: string;
      readonly reportId?: number;
      readonly timestamp: number;
      readonly statusDetails: { readonly ErrorCode: string; readonly ErrorMessage: string };
    };

function encode(value: object, format: ReportFormat): Uint8Array {
  return format === 'json' ? new TextEncoder().encode(JSON.stringify(value)) : cborEncode(value);
}

export function acceptedResponse(thingName: string, reportId: number, timestampMs: number): DefenderResponse {
  return { thingName, reportId, status: 'ACCEPTED', timestamp: timestampMs };
}

/**
 * The `/rejected` document for a rejection, exactly AWS's shape (§1.5). `reportId` is present
 * whenever the report id could be read.
 */
export function rejectedResponse(thingName: string, rejection: ReportRejection, timestampMs: number): DefenderResponse {
  return {
    thingName,
    ...(rejection.reportId === undefined ? {} : { reportId: rejection.reportId }),
    status: 'REJECTED',
    statusDetails: { ErrorCode: rejection.awsCode, ErrorMessage: rejection.awsMessage },
    timestamp: timestampMs,
  };
}

/** Encodes a response in the format of the topic it answers (CBOR on `cbor/…`). */
export function encodeResponse(response: DefenderResponse, format: ReportFormat): Uint8Array {
  return encode(response, format);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a response as a device does; unknown extra keys are ignored. */
export function decodeResponse(payload: Uint8Array, format: ReportFormat): Result<DefenderResponse> {
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(new TextDecoder().decode(payload)) : cborDecode(payload);
  } catch (error) {
    return err(new VigilError('report.invalid_response', `response is not valid ${format}: ${error instanceof Error ? error.message : String(error)}`));
  }
  const bad = (why: string): Result<DefenderResponse> => err(new VigilError('report.invalid_response', `response ${why}`));
  if (!isRecord(value)) return bad('is not an object');
  const { thingName, reportId, status, timestamp, statusDetails } = value;
  if (typeof thingName !== 'string') return bad('has no thingName');
  if (typeof timestamp !== 'number') return bad('has no timestamp');
  if (reportId !== undefined && typeof reportId !== 'number') return bad('has a reportId that is not a number');
  if (status === 'ACCEPTED') {
    if (reportId === undefined) return bad('has no reportId');
    return ok({ status, thingName, reportId, timestamp });
  }
  if (status !== 'REJECTED') return bad('has a status other than ACCEPTED or REJECTED');
  if (!isRecord(statusDetails) || typeof statusDetails['ErrorCode'] !== 'string' || typeof statusDetails['ErrorMessage'] !== 'string') return bad('has no statusDetails.ErrorCode/ErrorMessage');
  return ok({
    status,
    thingName,
    ...(reportId === undefined ? {} : { reportId }),
    timestamp,
    statusDetails: { ErrorCode: statusDetails['ErrorCode'], ErrorMessage: statusDetails['ErrorMessage'] },
  });
}
