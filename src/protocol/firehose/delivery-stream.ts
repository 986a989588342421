import { VigilError, err, ok, type Result } from '../../core/index.js';
import type { ProcessorConfig, StreamDefinition } from '../../model/index.js';
import { arns, lambdaFunctionName } from '../aws/arns.js';

type Json = Record<string, unknown>;
const MIB = 1024 * 1024;

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function invalidArgument(message: string): VigilError {
  return new VigilError('firehose.invalid_argument', message);
}

/** Firehose `ProcessingConfiguration` → Vigil processors. A Lambda ARN names a built-in transform or a JS module path. */
function processorsFrom(value: unknown): Result<ProcessorConfig[]> {
  const config = obj(value);
  if (config['Enabled'] === false || !Array.isArray(config['Processors'])) return ok([]);
  const out: ProcessorConfig[] = [];
  for (const raw of config['Processors'] as unknown[]) {
    const processor = obj(raw);
    const params: Record<string, string> = {};
    for (const p of Array.isArray(processor['Parameters']) ? (processor['Parameters'] as unknown[]) : []) {
      const { ParameterName, ParameterValue } = obj(p);
      if (typeof ParameterName === 'string' && typeof ParameterValue === 'string') params[ParameterName] = ParameterValue;
    }
    if (processor['Type'] !== 'Lambda') return err(invalidArgument(`processor type ${String(processor['Type'])} is not supported; use Lambda with a built-in transform name or a JavaScript module path as LambdaArn`));
    const arn = params['LambdaArn'] ?? '';
    const functionName = lambdaFunctionName(arn);
    const retries: Record<string, string> = params['NumberOfRetries'] === undefined ? {} : { NumberOfRetries: params['NumberOfRetries'] };
    if (functionName === 'split-device-defender') {
      const parameters: Record<string, string> = { ...retries };
      if (params['SourceType'] !== undefined) parameters['sourcetype'] = params['SourceType'];
      if (params['AuditTopicArn'] !== undefined) parameters['auditTopicArn'] = params['AuditTopicArn'];
      if (params['Index'] !== undefined) parameters['index'] = params['Index'];
      out.push({ type: 'split-device-defender', parameters });
    } else if (/\.(m|c)?js$/.test(functionName)) {
      out.push({ type: 'javascript', parameters: { ...retries, path: functionName } });
    } else {
      return err(invalidArgument(`LambdaArn ${arn} names neither a built-in transform (split-device-defender) nor a JavaScript module (*.js, *.mjs)`));
    }
  }
  return ok(out);
}

function backupFrom(mode: unknown, s3: unknown): Json {
  const config = obj(s3);
  const normalized = mode === 'AllEvents' || mode === 'AllData' ? 'AllEvents' : 'FailedEventsOnly';
  return { mode: normalized, prefix: typeof config['Prefix'] === 'string' ? config['Prefix'] : '', errorOutputPrefix: typeof config['ErrorOutputPrefix'] === 'string' ? config['ErrorOutputPrefix'] : '' };
}

function intIn(value: unknown, min: number, max: number, name: string): Result<number | undefined> {
  if (value === undefined) return ok(undefined);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return err(invalidArgument(`${name} must be an integer from ${min} to ${max}`));
  return ok(value);
}

/** A Firehose `CreateDeliveryStream` request → the Vigil stream input (validated again by the engine). */
export function streamInputFromCreate(request: Json): Result<Json> {
  const name = request['DeliveryStreamName'];
  if (typeof name !== 'string') return err(invalidArgument('DeliveryStreamName is required'));
  const type = request['DeliveryStreamType'] ?? 'DirectPut';
  if (type !== 'DirectPut') return err(invalidArgument(`DeliveryStreamType ${String(type)} is not supported; Vigil streams are DirectPut`));
  const splunk = request['SplunkDestinationConfiguration'];
  const http = request['HttpEndpointDestinationConfiguration'];
  if ((splunk === undefined) === (http === undefined)) return err(invalidArgument('give exactly one of SplunkDestinationConfiguration or HttpEndpointDestinationConfiguration'));
  const destination = obj(splunk ?? http);
  const hints = obj(destination['BufferingHints']);
  const interval = intIn(hints['IntervalInSeconds'], 0, splunk === undefined ? 900 : 60, 'BufferingHints.IntervalInSeconds');
  const size = intIn(hints['SizeInMBs'], 1, splunk === undefined ? 64 : 5, 'BufferingHints.SizeInMBs');
  const retry = intIn(obj(destination['RetryOptions'])['DurationInSeconds'], 0, 7200, 'RetryOptions.DurationInSeconds');
  const processors = processorsFrom(destination['ProcessingConfiguration']);
  for (const checked of [interval, size, retry, processors]) if (!checked.ok) return checked;
  const buffering: Json = {};
  if (interval.ok && interval.value !== undefined) buffering['intervalSecs'] = interval.value;
  if (size.ok && size.value !== undefined) buffering['sizeBytes'] = size.value * MIB;
  let sink: Json;
  if (splunk !== undefined) {
    const ackTimeout = intIn(destination['HECAcknowledgmentTimeoutInSeconds'], 180, 600, 'HECAcknowledgmentTimeoutInSeconds');
    if (!ackTimeout.ok) return ackTimeout;
    sink = { type: 'splunk-hec', endpoint: destination['HECEndpoint'], endpointType: destination['HECEndpointType'] ?? 'Raw', token: destination['HECToken'], ...(ackTimeout.value === undefined ? {} : { ackTimeoutSecs: ackTimeout.value }) };
  } else {
    const endpoint = obj(destination['EndpointConfiguration']);
    const requestConfig = obj(destination['RequestConfiguration']);
    const attributes: Record<string, string> = {};
    for (const a of Array.isArray(requestConfig['CommonAttributes']) ? (requestConfig['CommonAttributes'] as unknown[]) : []) {
      const { AttributeName, AttributeValue } = obj(a);
      if (typeof AttributeName === 'string' && typeof AttributeValue === 'string') attributes[AttributeName] = AttributeValue;
    }
    sink = { type: 'http', url: endpoint['Url'], ...(typeof endpoint['Name'] === 'string' ? { name: endpoint['Name'] } : {}), ...(typeof endpoint['AccessKey'] === 'string' ? { accessKey: endpoint['AccessKey'] } : {}), commonAttributes: attributes, gzip: requestConfig['ContentEncoding'] === 'GZIP' };
  }
  return ok({
    name,
    sink,
    buffering,
    ...(retry.ok && retry.value !== undefined ? { retryDurationSecs: retry.value } : {}),
    processors: processors.ok ? processors.value : [],
    backup: backupFrom(destination['S3BackupMode'], destination['S3Configuration']),
  });
}

function processingDescription(processors: readonly ProcessorConfig[], region: string, accountId: string): Json {
  return {
    Enabled: processors.length > 0,
    Processors: processors.map((p) => ({
      Type: 'Lambda',
      Parameters: [
        { ParameterName: 'LambdaArn', ParameterValue: arns(region, accountId).lambdaFunction(p.type === 'javascript' ? (p.parameters['path'] ?? '') : p.type) },
        { ParameterName: 'NumberOfRetries', ParameterValue: p.parameters['NumberOfRetries'] ?? '3' },
      ],
    })),
  };
}

/** A (redacted) definition → Firehose `DeliveryStreamDescription`. */
export function describeStream(definition: StreamDefinition, arn: string, region: string, accountId: string): Json {
  const sink = definition.sink as Json;
  const names = arns(region, accountId);
  const s3 = { RoleARN: names.iamRole('vigil'), BucketARN: names.s3Bucket(`vigil-backup-${definition.name}`), Prefix: definition.backup.prefix, ErrorOutputPrefix: definition.backup.errorOutputPrefix, BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 }, CompressionFormat: 'UNCOMPRESSED', EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' } };
  const hints = { SizeInMBs: Math.max(1, Math.round(definition.buffering.sizeBytes / MIB)), IntervalInSeconds: definition.buffering.intervalSecs };
  const common = { RetryOptions: { DurationInSeconds: definition.retryDurationSecs }, BufferingHints: hints, ProcessingConfiguration: processingDescription(definition.processors, region, accountId), S3DestinationDescription: s3 };
  let destination: Json;
  if (sink['type'] === 'splunk-hec') {
    destination = { SplunkDestinationDescription: { HECEndpoint: sink['endpoint'], HECEndpointType: sink['endpointType'], HECToken: sink['token'], HECAcknowledgmentTimeoutInSeconds: sink['ackTimeoutSecs'], S3BackupMode: definition.backup.mode, ...common } };
  } else if (sink['type'] === 'http') {
    destination = {
      HttpEndpointDestinationDescription: {
        EndpointConfiguration: { Url: sink['url'], Name: sink['name'] },
        RequestConfiguration: { ContentEncoding: sink['gzip'] === true ? 'GZIP' : 'NONE', CommonAttributes: Object.entries(obj(sink['commonAttributes'])).map(([AttributeName, AttributeValue]) => ({ AttributeName, AttributeValue })) },
        S3BackupMode: definition.backup.mode === 'AllEvents' ? 'AllData' : 'FailedDataOnly',
        ...common,
      },
    };
  } else {
    // Vigil's file sink has no Firehose equivalent; described as an extended S3 destination on the local disk.
    destination = { ExtendedS3DestinationDescription: { BucketARN: `file://${String(sink['dir'])}`, Prefix: sink['prefix'], BufferingHints: hints, ProcessingConfiguration: common.ProcessingConfiguration, RoleARN: s3.RoleARN, CompressionFormat: 'UNCOMPRESSED', EncryptionConfiguration: s3.EncryptionConfiguration } };
  }
  return {
    DeliveryStreamName: definition.name,
    DeliveryStreamARN: arn,
    DeliveryStreamStatus: 'ACTIVE',
    DeliveryStreamType: 'DirectPut',
    VersionId: String(definition.version),
    CreateTimestamp: definition.createdAt / 1000,
    LastUpdateTimestamp: definition.updatedAt / 1000,
    Destinations: [{ DestinationId: 'destinationId-000000000001', ...destination }],
    HasMoreDestinations: false,
  };
}
