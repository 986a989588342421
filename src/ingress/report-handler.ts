import type { Clock, Result } from '../core/index.js';
import type { DatapointSink } from '../model/index.js';
import {
  acceptedResponse,
  acceptedSlot,
  checkReportRate,
  checkThingName,
  decodeReport,
  defenderTopic,
  encodeResponse,
  rejectedResponse,
  type DefenderResponse,
  type DefenderTopic,
  type LastAccepted,
  type MetricReport,
  type ProtocolLimits,
  ReportRejection,
} from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';

export interface ReportAnswer {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly response: DefenderResponse;
}

/**
 * The reserved report topics (device-defender.md §1): decode with `protocol`, apply the rate rules
 * (§1.6: increasing report ids, minimum interval), hand accepted reports to the datapoint sink, and
 * build the answer for `/accepted` or `/rejected` in the request's format. The checks are synchronous,
 * so two reports of one thing are checked against each other in arrival order; the answer waits for
 * the sink when it makes the report durable.
 */
export class ReportHandler {
  private readonly last = new Map<string, LastAccepted>();

  constructor(
    private readonly deps: { readonly limits: ProtocolLimits; readonly clock: Clock; readonly sink: DatapointSink<MetricReport>; readonly telemetry: Telemetry },
  ) {}

  /** The answer, or a promise of it when the sink makes the report durable first (`/accepted` waits for it). */
  handle(topic: DefenderTopic, payload: Uint8Array, clientId: string): ReportAnswer | Promise<ReportAnswer> {
    const handled = this.deps.telemetry.startTimer('report_handling_seconds');
    const now = this.deps.clock.now();
    const thingName = topic.thingName;
    const checked = this.check(topic, payload, now);
    if (!checked.ok) {
      this.deps.telemetry.count('defender_report_answered', { status: 'rejected', reason: checked.error.reason });
      this.deps.telemetry.emit('defender_report_rejected', { reason: checked.error.reason }, { thingName, clientId, reportId: checked.error.reportId, detail: checked.error.message });
      handled({ status: 'rejected' });
      return this.answer(topic, 'rejected', rejectedResponse(thingName, checked.error, now));
    }
    const report = checked.value;
    const previous = this.last.get(thingName);
    const slot: LastAccepted = { reportId: report.header.reportId, acceptedAtMs: acceptedSlot(previous, now, this.deps.limits) };
    this.last.set(thingName, slot);
    const accepted = (): ReportAnswer => {
      this.deps.telemetry.count('defender_report_answered', { status: 'accepted', reason: 'none' });
      handled({ status: 'accepted' });
      return this.answer(topic, 'accepted', acceptedResponse(thingName, report.header.reportId, now));
    };
    const durable = this.deps.sink.device({ thingName, timestamp: now, reportId: report.header.reportId, report, clientId });
    if (!(durable instanceof Promise)) return accepted();
    return durable.then(accepted, (error: unknown) => {
      // Not durable, so not accepted: the device may send the same report again.
      if (this.last.get(thingName) === slot) {
        if (previous === undefined) this.last.delete(thingName);
        else this.last.set(thingName, previous);
      }
      const rejection = new ReportRejection('unavailable', `the report could not be made durable: ${error instanceof Error ? error.message : String(error)}`, { reportId: report.header.reportId });
      this.deps.telemetry.count('defender_report_answered', { status: 'rejected', reason: rejection.reason });
      this.deps.telemetry.emit('defender_report_rejected', { reason: rejection.reason }, { thingName, clientId, reportId: rejection.reportId, detail: rejection.message });
      handled({ status: 'rejected' });
      return this.answer(topic, 'rejected', rejectedResponse(thingName, rejection, now));
    });
  }

  private check(topic: DefenderTopic, payload: Uint8Array, now: number): Result<MetricReport, ReportRejection> {
    const name = checkThingName(topic.thingName, this.deps.limits);
    if (!name.ok) return name;
    const decoded = decodeReport(payload, topic.format, this.deps.limits);
    if (!decoded.ok) return decoded;
    const rate = checkReportRate(this.last.get(topic.thingName), decoded.value.header.reportId, now, this.deps.limits);
    return rate.ok ? decoded : rate;
  }

  private answer(topic: DefenderTopic, kind: 'accepted' | 'rejected', response: DefenderResponse): ReportAnswer {
    return { topic: defenderTopic(topic.thingName, topic.format, kind), payload: encodeResponse(response, topic.format), response };
  }
}
