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
  type ReportRejection,
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
 * build the answer for `/accepted` or `/rejected` in the request's format. Synchronous, so two
 * reports of one thing are checked against each other in arrival order.
 */
export class ReportHandler {
  private readonly last = new Map<string, LastAccepted>();

  constructor(
    private readonly deps: { readonly limits: ProtocolLimits; readonly clock: Clock; readonly sink: DatapointSink<MetricReport>; readonly telemetry: Telemetry },
  ) {}

  handle(topic: DefenderTopic, payload: Uint8Array, clientId: string): ReportAnswer {
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
    this.last.set(thingName, { reportId: report.header.reportId, acceptedAtMs: acceptedSlot(this.last.get(thingName), now, this.deps.limits) });
    this.deps.sink.device({ thingName, timestamp: now, reportId: report.header.reportId, report, clientId });
    this.deps.telemetry.count('defender_report_answered', { status: 'accepted', reason: 'none' });
    handled({ status: 'accepted' });
    return this.answer(topic, 'accepted', acceptedResponse(thingName, report.header.reportId, now));
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
