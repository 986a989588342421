import { errorKind, isVigilError, type ErrorKind } from '../../core/index.js';

/** What Firehose's Splunk destination records as `errorCode` for a HEC reply code it failed on. */
export type FirehoseSplunkError = 'Splunk.DisabledToken' | 'Splunk.InvalidToken' | 'Splunk.InvalidIndex' | 'Splunk.DisabledAck' | 'Splunk.InvalidDataFormat';

/**
 * The HEC reply-code table (Splunk "Troubleshoot HEC", spec A.8), read by both sides: the receiver
 * answers with `status` and `text`; a sender that gets the code records `firehose` as Firehose's
 * Splunk destination does (none: judged by the HTTP status).
 */
export const HEC_CODES = {
  0: { status: 200, text: 'Success' },
  1: { status: 403, text: 'Token disabled', firehose: 'Splunk.DisabledToken' },
  2: { status: 401, text: 'Token is required', firehose: 'Splunk.InvalidToken' },
  3: { status: 401, text: 'Invalid authorization', firehose: 'Splunk.InvalidToken' },
  4: { status: 403, text: 'Invalid token', firehose: 'Splunk.InvalidToken' },
  5: { status: 400, text: 'No data', firehose: 'Splunk.InvalidDataFormat' },
  6: { status: 400, text: 'Invalid data format', firehose: 'Splunk.InvalidDataFormat' },
  7: { status: 400, text: 'Incorrect index', firehose: 'Splunk.InvalidIndex' },
  8: { status: 500, text: 'Internal server error' },
  9: { status: 503, text: 'Server is busy' },
  10: { status: 400, text: 'Data channel is missing', firehose: 'Splunk.InvalidDataFormat' },
  11: { status: 400, text: 'Invalid data channel', firehose: 'Splunk.InvalidDataFormat' },
  12: { status: 400, text: 'Event field is required', firehose: 'Splunk.InvalidDataFormat' },
  13: { status: 400, text: 'Event field cannot be blank', firehose: 'Splunk.InvalidDataFormat' },
  14: { status: 400, text: 'ACK is disabled', firehose: 'Splunk.DisabledAck' },
  15: { status: 400, text: 'Error in handling indexed fields', firehose: 'Splunk.InvalidDataFormat' },
  16: { status: 400, text: 'Query string authorization is not enabled', firehose: 'Splunk.InvalidToken' },
  17: { status: 200, text: 'HEC is healthy' },
  18: { status: 503, text: 'HEC is unhealthy, queues are full' },
  19: { status: 503, text: 'HEC is unhealthy, ack service unavailable' },
  20: { status: 503, text: 'HEC is unhealthy, queues are full, ack service unavailable' },
  21: { status: 400, text: 'Invalid token' },
  22: { status: 400, text: 'Token disabled' },
  23: { status: 503, text: 'Server is shutting down' },
  24: { status: 200, text: 'HEC queue approaching capacity' },
  25: { status: 200, text: 'HEC ACK approaching capacity' },
  26: { status: 429, text: 'HEC queue at capacity' },
  27: { status: 429, text: 'HEC ACK channel at capacity' },
} as const satisfies Record<number, { status: number; text: string; firehose?: FirehoseSplunkError }>;

export type HecCode = keyof typeof HEC_CODES;

/** HEC: an empty body is code 5, "No data" (Firehose probes a new destination with one). */
export const HEC_NO_DATA = 5 satisfies HecCode;

export function isHecCode(value: unknown): value is HecCode {
  return typeof value === 'number' && Object.hasOwn(HEC_CODES, value);
}

/** A HEC outcome: the code, plus `invalid-event-number` or `ackId` where they apply. */
export interface HecReply {
  readonly code: HecCode;
  readonly invalidEventNumber?: number;
  readonly ackId?: number;
}

/** The receiver's answer: HTTP status and `{"text","code",…}` body. */
export function hecBody(reply: HecReply): { status: number; body: Record<string, unknown> } {
  const entry = HEC_CODES[reply.code];
  const body: Record<string, unknown> = { text: entry.text, code: reply.code };
  if (reply.invalidEventNumber !== undefined) body['invalid-event-number'] = reply.invalidEventNumber;
  if (reply.ackId !== undefined) body['ackId'] = reply.ackId;
  return { status: entry.status, body };
}

/** Splunk's body for an unknown path under the HEC port. */
export const HEC_NOT_FOUND = { text: 'The requested URL was not found on this server.', code: 404 } as const;

/** The sender's read of a HEC reply body `{"text","code",…}`; undefined when it is not one. */
export function parseHecReply(body: Buffer): { text?: string; code?: number; ackId?: number; acks?: Record<string, boolean> } | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as { text?: string; code?: number; ackId?: number }) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The HEC answer to an error the receiver cannot handle in place (a failed commit, a token store
 * that throws): a store that is closed or busy is "Server is busy" (9), which senders retry; anything
 * else is "Internal server error" (8).
 */
export const HEC_CODE_BY_KIND = {
  invalid: 8,
  not_found: 8,
  already_exists: 8,
  conflict: 8,
  delete_conflict: 8,
  version_conflict: 8,
  limit_exceeded: 8,
  too_large: 8,
  throttled: 9,
  unauthenticated: 8,
  forbidden: 8,
  cancelled: 8,
  timeout: 9,
  unavailable: 9,
  upstream: 8,
  fault: 8,
  internal: 8,
} as const satisfies Record<ErrorKind, HecCode>;

/** The HEC code for anything thrown while answering a request. */
export function hecCodeForError(error: unknown): HecCode {
  return isVigilError(error) ? HEC_CODE_BY_KIND[errorKind(error.code)] : 8;
}
