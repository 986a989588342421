import { err, ok, type Result } from '../core/index.js';
import { defaultProtocolLimits, type ProtocolLimits } from './config.js';
import { ReportRejection } from './report-rejection.js';

/** What the ingress remembers of a thing's last accepted report. */
export interface LastAccepted {
  readonly reportId: number;
  /**
   * Where the thing's schedule stands: the slot of its last accepted report, which is the later of
   * that report's arrival and the previous slot plus the minimum interval (see `acceptedSlot`).
   */
  readonly acceptedAtMs: number;
}

/**
 * Rate rules of §1.6, checked in this order: the report id must be greater than the last accepted
 * one, then the report must not be early. It is early when it arrives more than the tolerance
 * (`reportIntervalTolerance` × the minimum) before the last slot plus the minimum interval: a device
 * on a schedule of exactly the minimum, whose reports arrive a little early or late, is never
 * throttled, while one that reports faster than the minimum is, after a few reports.
 */
export function checkReportRate(last: LastAccepted | undefined, reportId: number, nowMs: number, limits: ProtocolLimits = defaultProtocolLimits): Result<void, ReportRejection> {
  if (last === undefined) return ok(undefined);
  if (reportId <= last.reportId) {
    return err(new ReportRejection('stale_report_id', `report id ${reportId} is not greater than the last accepted ${last.reportId}`, { path: 'header.report_id', reportId }));
  }
  const elapsedMs = nowMs - last.acceptedAtMs;
  const minMs = limits.minReportIntervalSecs * 1000;
  const earliestMs = minMs * (1 - limits.reportIntervalTolerance);
  // A clock stepped back makes the elapsed time negative and unknowable: accept, so that devices are
  // not throttled for as long as the step; the accepted report becomes the new baseline.
  if (elapsedMs < earliestMs && elapsedMs >= 0) {
    return err(
      new ReportRejection('throttled', `the report came ${seconds(elapsedMs)} s after the last accepted one; the minimum interval is ${seconds(minMs)} s (tolerance ${seconds(minMs - earliestMs)} s)`, {
        reportId,
        hint: `send the next report in ${seconds(earliestMs - elapsedMs)} s or later`,
      }),
    );
  }
  return ok(undefined);
}

/**
 * The slot to remember for a report accepted at `nowMs`: its arrival, or the previous slot plus the
 * minimum when the report came early within the tolerance, so early reports cannot add up to a faster
 * schedule. A clock stepped back restarts the schedule at the arrival.
 */
export function acceptedSlot(last: LastAccepted | undefined, nowMs: number, limits: ProtocolLimits = defaultProtocolLimits): number {
  if (last === undefined || nowMs < last.acceptedAtMs) return nowMs;
  return Math.max(nowMs, last.acceptedAtMs + limits.minReportIntervalSecs * 1000);
}

/** Seconds for a message: whole seconds when the value is, else to the millisecond. */
function seconds(ms: number): string {
  const value = Math.max(0, ms) / 1000;
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, '');
}

/** The next report id: epoch seconds, bumped to `last + 1` when the clock has not moved past `last`. */
export function nextReportId(last: number | undefined, nowMs: number): number {
  const seconds = Math.floor(nowMs / 1000);
  return last === undefined || seconds > last ? seconds : last + 1;
}
