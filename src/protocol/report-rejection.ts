import { VigilError, type ReportRejectionCode } from '../core/index.js';

/**
 * The `/rejected` answer for each rejection code (the MQTT edge's table: every rejection code has a
 * row): the `ErrorCode` / `ErrorMessage` pair. AWS documents one code, `InvalidPayload` ("Malformed
 * metrics report"), so every rejection uses it; the causes AWS rejects without a published message
 * (report id, rate) keep a message of Vigil's (docs/protocol.md). The detail with its path goes to the
 * server's log line, not the answer.
 */
export const REJECTION_ANSWERS = {
  'report.invalid_payload': { awsCode: 'InvalidPayload', awsMessage: 'Malformed metrics report' },
  'report.too_large': { awsCode: 'InvalidPayload', awsMessage: 'Malformed metrics report' },
  'report.invalid_thing_name': { awsCode: 'InvalidPayload', awsMessage: 'Malformed metrics report' },
  'report.stale_report_id': { awsCode: 'InvalidPayload', awsMessage: 'Report id is not greater than the last accepted report id' },
  'report.throttled': { awsCode: 'InvalidPayload', awsMessage: 'Metrics report throttled' },
  // [INFER] AWS publishes no code for a service-side failure; `InternalError` tells an agent to send again.
  'report.unavailable': { awsCode: 'InternalError', awsMessage: 'The report could not be stored; send it again' },
} as const satisfies Record<ReportRejectionCode, { readonly awsCode: string; readonly awsMessage: string }>;

/** Why a report is rejected, one row per cause, and the code it is rejected with. */
export const REJECTION_REASONS = {
  invalid_payload: 'report.invalid_payload',
  too_large: 'report.too_large',
  invalid_thing_name: 'report.invalid_thing_name',
  stale_report_id: 'report.stale_report_id',
  throttled: 'report.throttled',
  unavailable: 'report.unavailable',
} as const satisfies Record<string, ReportRejectionCode>;

export type RejectionReason = keyof typeof REJECTION_REASONS;

/**
 * A rejected report: a `VigilError` that also carries the AWS response fields, the offending path
 * (long key names, e.g. `metrics.listening_tcp_ports.ports[3].port`) and the report id when it could
 * be read.
 */
export class ReportRejection extends VigilError {
  readonly reason: RejectionReason;
  readonly awsCode: string;
  readonly awsMessage: string;
  readonly path: string | undefined;
  readonly reportId: number | undefined;

  constructor(reason: RejectionReason, detail: string, init: { path?: string | undefined; reportId?: number | undefined; hint?: string } = {}) {
    const code = REJECTION_REASONS[reason];
    const row = REJECTION_ANSWERS[code];
    const message = init.path === undefined || init.path === '' ? detail : `${init.path}: ${detail}`;
    // An expected answer, not a fault: no stack trace (capturing one was most of a rejection's cost
    // when a fleet was being throttled; issue 24).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(code, message, {
        ...(init.hint === undefined ? {} : { hint: init.hint }),
        ...(init.path === undefined ? {} : { span: { path: init.path } }),
        details: { awsCode: row.awsCode, awsMessage: row.awsMessage, reportId: init.reportId },
      });
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.name = 'ReportRejection';
    this.reason = reason;
    this.awsCode = row.awsCode;
    this.awsMessage = row.awsMessage;
    this.path = init.path;
    this.reportId = init.reportId;
  }
}
