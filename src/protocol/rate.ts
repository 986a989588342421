import { err, ok, type Result } from '../core/index.js';
import { defaultProtocolLimits, type ProtocolLimits } from './config.js';
import { ReportRejection } from './report-rejection.js';

/** What the ingress remembers of a thing's last accepted report. */
export interface LastAccepted {
  readonly reportId: number;
  readonly acceptedAtMs: number;
}

/**
 * Rate rules of §1.6, checked in this order: the report id must be greater than the last accepted
 * one, then at least `minReportIntervalSecs` must have passed since that report was accepted.
 */
export function checkReportRate(last: LastAccepted | undefined, reportId: number, nowMs: number, limits: ProtocolLimits = defaultProtocolLimits): Result<void, ReportRejection> {
  if (last === undefined) return ok(undefined);
  if (reportId <= last.reportId) {
    return err(new ReportRejection('stale_report_id', `report id ${reportId} is not greater than the last accepted ${last.reportId}`, { path: 'header.report_id', reportId }));
  }
  const elapsedMs = nowMs - last.acceptedAtMs;
  const minMs = limits.minReportIntervalSecs * 1000;
  // A clock stepped back makes the elapsed time negative and unknowable: accept, so that devices are
  // not throttled for as long as the step; the accepted report becomes the new baseline.
  if (elapsedMs < minMs && elapsedMs >= 0) {
    const waitSecs = Math.ceil((minMs - elapsedMs) / 1000);
    return err(new ReportRejection('throttled', `a report was accepted ${Math.floor(elapsedMs / 1000)} s ago; the minimum interval is ${limits.minReportIntervalSecs} s`, { reportId, hint: `send the next report in ${waitSecs} s` }));
  }
  return ok(undefined);
}

/** The next report id: epoch seconds, bumped to `last + 1` when the clock has not moved past `last`. */
export function nextReportId(last: number | undefined, nowMs: number): number {
  const seconds = Math.floor(nowMs / 1000);
  return last === undefined || seconds > last ? seconds : last + 1;
}
