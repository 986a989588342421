import { Type, type Static, type TSchema } from 'typebox';
import { AwsJsonErrorBody, List, Open, OpenObject, Stored } from './common.js';

// Firehose's AWS JSON 1.1 API: one route (`POST /`), the operation named by `X-Amz-Target`.
const strict = { additionalProperties: false } as const;
const StreamName = Type.String({ minLength: 1, maxLength: 64 });
const RecordEntry = Open({ Data: Type.String({ description: 'base64' }) });

/** Each operation's input and output; the route checks the input of the operation it dispatches to. */
export const firehoseOperations = {
  PutRecord: { input: Open({ DeliveryStreamName: StreamName, Record: RecordEntry }), output: Type.Object({ RecordId: Type.String(), Encrypted: Type.Boolean() }, strict) },
  PutRecordBatch: {
    input: Open({ DeliveryStreamName: StreamName, Records: List(RecordEntry, { minItems: 1, maxItems: 500 }) }),
    output: Type.Object({ FailedPutCount: Type.Integer(), Encrypted: Type.Boolean(), RequestResponses: List(Type.Object({ RecordId: Type.String() }, strict)) }, strict),
  },
  CreateDeliveryStream: { input: Open({ DeliveryStreamName: StreamName, DeliveryStreamType: Type.Optional(Type.String()), SplunkDestinationConfiguration: Type.Optional(OpenObject('AWS SplunkDestinationConfiguration')), HttpEndpointDestinationConfiguration: Type.Optional(OpenObject('AWS HttpEndpointDestinationConfiguration')) }), output: Type.Object({ DeliveryStreamARN: Type.String() }, strict) },
  DescribeDeliveryStream: { input: Open({ DeliveryStreamName: StreamName }), output: Type.Object({ DeliveryStreamDescription: Stored('AWS DeliveryStreamDescription') }, strict) },
  ListDeliveryStreams: { input: Open({ Limit: Type.Optional(Type.Integer()), ExclusiveStartDeliveryStreamName: Type.Optional(Type.String()) }), output: Type.Object({ DeliveryStreamNames: List(Type.String()), HasMoreDeliveryStreams: Type.Boolean() }, strict) },
  DeleteDeliveryStream: { input: Open({ DeliveryStreamName: StreamName }), output: Type.Object({}, strict) },
} satisfies Readonly<Record<string, { input: TSchema; output: TSchema }>>;

export type FirehoseOperation = keyof typeof firehoseOperations;
export type FirehoseInput<O extends FirehoseOperation> = Static<(typeof firehoseOperations)[O]['input']>;
export type FirehoseOutput<O extends FirehoseOperation> = Static<(typeof firehoseOperations)[O]['output']>;

/** The route as fastify and OpenAPI see it. */
export const firehoseContract = {
  call: {
    headers: Type.Object({ 'x-amz-target': Type.String({ description: `Firehose_20150804.<operation>: ${Object.keys(firehoseOperations).join(', ')}` }) }),
    body: OpenObject('the input of the operation X-Amz-Target names'),
    response: {
      200: Type.Union([
        firehoseOperations.PutRecord.output,
        firehoseOperations.PutRecordBatch.output,
        firehoseOperations.CreateDeliveryStream.output,
        firehoseOperations.DescribeDeliveryStream.output,
        firehoseOperations.ListDeliveryStreams.output,
        firehoseOperations.DeleteDeliveryStream.output,
      ]),
      '4xx': AwsJsonErrorBody, '5xx': AwsJsonErrorBody },
  },
} as const;
