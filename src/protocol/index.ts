/**
 * protocol: wire formats as pure functions, no I/O. Here: Device Defender metrics reports (JSON or
 * CBOR, long or short keys) decoded into one normalized `MetricReport` with every rule of
 * device-defender.md §1.2–1.3 checked, their encoding, the `/accepted` and `/rejected` responses,
 * the reserved topics and thing-name rules, report limits as config, and the rate rules the
 * ingress applies. Imports: core, model, config, and npm (cbor-x, typebox).
 */
export type {
  MetricReport,
  ReportHeader,
  DeviceMetrics,
  PortsMetric,
  ListeningPort,
  NetworkStats,
  TcpConnections,
  EstablishedConnections,
  TcpConnection,
  CustomMetricValue,
  CustomMetricType,
  ReportFormat,
  KeyStyle,
} from './metric-report.js';
export { CUSTOM_METRIC_KEYS } from './metric-report.js';
export { REPORT_KEYS } from './report-keys.js';
export { ReportRejection, REJECTION_ANSWERS, REJECTION_REASONS, type RejectionReason } from './report-rejection.js';
export { protocolLimitsSchema, protocolLimits, defaultProtocolLimits, type ProtocolLimits, type ProtocolLimitsConfig } from './config.js';
export { decodeReport } from './decode-report.js';
export { validateReport, isRemoteAddr } from './validate-report.js';
export { encodeReport, reportDocument, type EncodeOptions } from './encode-report.js';
export { acceptedResponse, rejectedResponse, encodeResponse, decodeResponse, type DefenderResponse } from './responses.js';
export { defenderTopic, parseDefenderTopic, checkThingName, type DefenderTopic, type DefenderTopicKind } from './topics.js';
export { checkReportRate, nextReportId, type LastAccepted } from './rate.js';
export { HEC_CODES, HEC_CODE_BY_KIND, HEC_NOT_FOUND, hecBody, hecCodeForError, type HecCode, type HecReply } from './hec/hec-codes.js';
export { ACK_TIMEOUT_MESSAGE, parseHecReply, splunkErrorCode, transportErrorCode } from './firehose/splunk-errors.js';
export { streamInputFromCreate, describeStream } from './firehose/delivery-stream.js';
export { snsEnvelope, deliveryBody, type PublishedMessage } from './sns/envelope.js';
export { arns, parseTarget, nameFromArn, type Arns } from './aws/arns.js';
