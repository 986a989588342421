import { decodeReport, encodeResponse, acceptedResponse, rejectedResponse, parseDefenderTopic, checkReportRate, type LastAccepted } from '../../src/protocol/index.js';
import type { BrokerPublish, TestBroker } from '../support/test-broker.js';

export interface Responder {
  readonly reports: BrokerPublish[];
  readonly handle: (message: BrokerPublish, broker: TestBroker) => Promise<void>;
}

/** Answers reports the way the ingress does: decode, rate rules, then `/accepted` or `/rejected`. */
export function reportResponder(minIntervalSecs = 0): Responder {
  const reports: BrokerPublish[] = [];
  const last = new Map<string, LastAccepted>();
  return {
    reports,
    async handle(message, broker) {
      const topic = parseDefenderTopic(message.topic);
      if (topic === undefined || topic.kind !== 'report') return;
      reports.push(message);
      const now = Date.now();
      const decoded = decodeReport(message.payload, topic.format);
      const rate = decoded.ok ? checkReportRate(last.get(topic.thingName), decoded.value.header.reportId, now, { maxReportBytes: 131072, maxListEntries: 1000, maxThingNameBytes: 128, minReportIntervalSecs: minIntervalSecs, reportIntervalTolerance: 0 }) : decoded;
      const base = `$aws/things/${topic.thingName}/defender/metrics/${topic.format}`;
      if (decoded.ok && rate.ok) {
        last.set(topic.thingName, { reportId: decoded.value.header.reportId, acceptedAtMs: now });
        await broker.publish(`${base}/accepted`, encodeResponse(acceptedResponse(topic.thingName, decoded.value.header.reportId, now), topic.format));
      } else if (!rate.ok) {
        await broker.publish(`${base}/rejected`, encodeResponse(rejectedResponse(topic.thingName, rate.error, now), topic.format));
      }
    },
  };
}
