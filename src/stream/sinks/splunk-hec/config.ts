import { Type, type Static } from 'typebox';

export const splunkHecSinkSchema = Type.Object(
  {
    type: Type.Literal('splunk-hec'),
    endpoint: Type.String({ pattern: '^https?://', description: 'HEC base URL (Firehose HECEndpoint), e.g. https://splunk:8088.' }),
    endpointType: Type.Union([Type.Literal('Event'), Type.Literal('Raw')], { default: 'Event', description: 'Event: records are HEC JSON envelopes; Raw: bytes, line-broken by Splunk.' }),
    token: Type.String({ minLength: 1, description: 'HEC token (sent as Authorization: Splunk <token>).' }),
    ack: Type.Boolean({ default: true, description: 'Use indexer acknowledgement (Firehose always does; the token needs useACK).' }),
    ackTimeoutSecs: Type.Integer({ minimum: 1, maximum: 600, default: 180, description: 'HECAcknowledgmentTimeoutInSeconds (Firehose allows 180–600).' }),
    ackPollIntervalMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 1000, description: 'How often pending ackIds of the channel are polled, all in one request.' }),
    gzip: Type.Boolean({ default: false, description: 'Send bodies with Content-Encoding: gzip.' }),
    channel: Type.String({ default: '', description: 'Channel GUID; empty = a new random GUID per start.' }),
    caFile: Type.String({ default: '', description: 'PEM file of the CA that signed the HEC server certificate (custom CA).' }),
    requestTimeoutSecs: Type.Integer({ minimum: 1, maximum: 600, default: 60, description: 'Time limit of one HTTP request.' }),
    maxInFlight: Type.Integer({ minimum: 1, maximum: 256, default: 10, description: 'Batches awaiting a response or an ack at once, all on one channel.' }),
    nonRetriedCodes: Type.Array(Type.Integer({ minimum: 0, maximum: 99 }), { default: [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16], description: 'HEC codes that go straight to backup (Firehose retries every code).' }),
    rawQuery: Type.Object({
      sourcetype: Type.Optional(Type.String()),
      index: Type.Optional(Type.String()),
      host: Type.Optional(Type.String()),
      source: Type.Optional(Type.String()),
    }, { additionalProperties: false, default: {}, description: 'Metadata query parameters for the Raw endpoint.' }),
    maxRecordBytes: Type.Integer({ minimum: 1, default: 5 * 1024 * 1024, description: 'Largest record sent (HEC maxEventSize); larger ones go to backup.' }),
    probe: Type.Boolean({ default: true, description: 'At start, POST an empty body and expect 400 code 5, as Firehose does.' }),
  },
  { additionalProperties: false },
);

export type SplunkHecSinkConfig = Static<typeof splunkHecSinkSchema>;
