/**
 * protocol: outside formats as pure functions, no I/O. Here: Device Defender metrics reports (JSON or
 * CBOR, long or short keys) decoded into one normalized `MetricReport` with every rule of
 * device-defender.md §1.2–1.3 checked, their encoding, the `/accepted` and `/rejected` responses,
 * the reserved topics and thing-name rules, report limits as config, and the rate rules the
 * ingress applies; the Splunk HEC reply codes and envelope from both sides (`hec/`); Firehose's
 * delivery-stream API shapes, Splunk destination errors, transformation contract, HTTP endpoint
 * protocol and failed-record objects (`firehose/`); the SNS notification envelope (`sns/`); AWS ARNs
 * and name rules from the configured region and account (`aws/`). Imports: core, model, config, and
 * npm (cbor-x, typebox).
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
export { acceptedSlot, checkReportRate, nextReportId, type LastAccepted } from './rate.js';
export { HEC_CODES, HEC_CODE_BY_KIND, HEC_NOT_FOUND, HEC_NO_DATA, hecBody, hecCodeForError, isHecCode, parseHecReply, type HecCode, type HecReply, type FirehoseSplunkError } from './hec/hec-codes.js';
export { ACK_TIMEOUT_MESSAGE, splunkErrorCode, transportErrorCode } from './firehose/splunk-errors.js';
export { encodeHecEnvelope, readHecEnvelope, splitEnvelopes, parseHecTime, leadingTimestamp, type HecEnvelopeFields, type ReadEnvelope } from './hec/hec-envelope.js';
export { streamInputFromCreate, describeStream } from './firehose/delivery-stream.js';
export { snsEnvelope, deliveryBody, type PublishedMessage } from './sns/envelope.js';
export { checkTransformOutput, type TransformCheck, type TransformEvent, type TransformOutputRecord, type TransformResult } from './firehose/transform-contract.js';
export { httpEndpointRequest, parseHttpEndpointReply, type HttpEndpointRequestInput } from './firehose/http-endpoint.js';
export { evaluatePrefix, backupFolder, objectName, encodeFailedRecords, decodeFailedRecords, type FailedRecord, type ErrorOutputType } from './firehose/failed-records.js';
export { arns, parseArn, parseTarget, nameFromArn, parseProfileTarget, iotResource, snsTopicName, isSnsTopicRef, deliveryStreamName, lambdaFunctionName, type Arns, type ParsedArn, type ProfileTargetKind } from './aws/arns.js';
export { IOT_NAME, ACTION_NAME, RULE_NAME, STREAM_NAME, TOPIC_NAME, ATTRIBUTE_NAME, POLICY_NAME, type NameRule } from './aws/names.js';
