import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Type, type Static } from 'typebox';
import type { Delivery, Probe, Sink, SinkKind } from '../sink.js';
import { isRetryableStatus } from '../../../core/index.js';
import { httpEndpointRequest, parseHttpEndpointReply } from '../../../protocol/index.js';
import { HttpClient } from '../../http-request.js';

const gzipAsync = promisify(gzip);

export const httpSinkSchema = Type.Object(
  {
    type: Type.Literal('http'),
    url: Type.String({ pattern: '^https?://', description: 'Endpoint URL (Firehose EndpointConfiguration.Url).' }),
    name: Type.String({ default: '', description: 'Endpoint name (EndpointConfiguration.Name).' }),
    accessKey: Type.String({ default: '', description: 'Sent as X-Amz-Firehose-Access-Key.' }),
    commonAttributes: Type.Record(Type.String(), Type.String(), { default: {}, description: 'Sent as X-Amz-Firehose-Common-Attributes.' }),
    gzip: Type.Boolean({ default: false, description: 'RequestConfiguration.ContentEncoding GZIP.' }),
    caFile: Type.String({ default: '', description: 'PEM file of a custom CA for https.' }),
    requestTimeoutSecs: Type.Integer({ minimum: 1, maximum: 600, default: 60 }),
    maxInFlight: Type.Integer({ minimum: 1, maximum: 256, default: 4 }),
    maxRecordBytes: Type.Integer({ minimum: 1, default: 6 * 1024 * 1024 }),
  },
  { additionalProperties: false },
);

type HttpSinkConfig = Static<typeof httpSinkSchema>;

/** Firehose's HTTP endpoint delivery request: `{"requestId","timestamp","records":[{"data"}]}`, response echoes `requestId`. */
export const httpSink: SinkKind = {
  type: 'http',
  description: 'Any HTTP endpoint speaking Firehose\'s HTTP endpoint delivery protocol',
  schema: httpSinkSchema,
  errorOutputType: 'http-endpoint-failed',
  failedIds: (recordId) => ({ dataId: recordId, subsequenceNumber: 0 }),
  create(raw, context) {
    const config = raw as unknown as HttpSinkConfig;
    const url = new URL(config.url);
    const client = new HttpClient(url, context.timer, { caFile: config.caFile, maxSockets: config.maxInFlight + 1 });
    const sink: Sink = {
      maxInFlight: config.maxInFlight,
      maxRecordBytes: config.maxRecordBytes,
      async probe(): Promise<Probe> {
        return { ok: true, detail: 'no probe for HTTP endpoints' };
      },
      async deliver(records, signal): Promise<Delivery> {
        const requestId = randomUUID();
        const request = httpEndpointRequest({ requestId, timestamp: context.clock.now(), records: records.map((r) => r.data), streamArn: context.streamArn, accessKey: config.accessKey, commonAttributes: config.commonAttributes });
        const plain = Buffer.from(request.body, 'utf8');
        const headers = request.headers;
        if (config.gzip) headers['content-encoding'] = 'gzip';
        const body = config.gzip ? await gzipAsync(plain) : plain;
        const exchange = await client.request('POST', url.pathname + url.search, headers, body, config.requestTimeoutSecs * 1000, signal);
        if (!exchange.ok) {
          if (exchange.error.code === 'ABORTED') return { ok: false, retryable: true, errorCode: 'Vigil.Aborted', errorMessage: exchange.error.message };
          const timeout = exchange.error.code === 'ETIMEDOUT';
          return { ok: false, retryable: true, errorCode: timeout ? 'HttpEndpoint.RequestTimeout' : 'HttpEndpoint.ConnectionFailed', errorMessage: `${exchange.error.code}: ${exchange.error.message}` };
        }
        const { status } = exchange.response;
        const text = exchange.response.body.toString('utf8');
        const reply = parseHttpEndpointReply(text);
        if (status >= 200 && status < 300) {
          if (reply?.requestId !== requestId) return { ok: false, retryable: true, errorCode: 'HttpEndpoint.InvalidResponseFromDestination', errorMessage: `the response did not echo requestId ${requestId}` };
          return { ok: true };
        }
        const retryable = isRetryableStatus(status);
        return { ok: false, retryable, errorCode: retryable ? 'HttpEndpoint.DestinationException' : 'HttpEndpoint.InvalidResponseFromDestination', errorMessage: `HTTP ${status}: ${reply?.errorMessage ?? text.slice(0, 200)}` };
      },
      async stop() {
        client.close();
      },
    };
    return sink;
  },
};
