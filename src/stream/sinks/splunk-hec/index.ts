import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { SinkKind, Sink, Delivery, Probe } from '../sink.js';
import { HttpClient } from '../../http-request.js';
import { AckPoller } from './ack-poller.js';
import { isRetryableStatus, type Timer } from '../../../core/index.js';
import { ACK_TIMEOUT_MESSAGE, HEC_NO_DATA, isHecCode, parseHecReply, splunkErrorCode, transportErrorCode } from '../../../protocol/index.js';
import { splunkHecSinkSchema, type SplunkHecSinkConfig } from './config.js';

const gzipAsync = promisify(gzip);

/** Splunk HTTP Event Collector, as Firehose's Splunk destination talks to it (spec B.3). */
export const splunkHecSink: SinkKind = {
  type: 'splunk-hec',
  description: 'Splunk HTTP Event Collector (event or raw endpoint, gzip, channel, indexer acknowledgement)',
  schema: splunkHecSinkSchema,
  errorOutputType: 'splunk-failed',
  failedIds: (recordId) => ({ EventId: `${recordId}.0` }),
  create(raw, context) {
    const config = raw as unknown as SplunkHecSinkConfig;
    return new SplunkHecSink(config, context.clock.now.bind(context.clock), context.timer);
  },
};

class SplunkHecSink implements Sink {
  readonly maxInFlight: number;
  readonly maxRecordBytes: number;
  private readonly client: HttpClient;
  private readonly headers: Record<string, string>;
  private readonly poller: AckPoller;
  private readonly path: string;
  private readonly nonRetried: ReadonlySet<number>;

  constructor(private readonly config: SplunkHecSinkConfig, private readonly now: () => number, timer: Timer) {
    this.maxInFlight = config.maxInFlight;
    this.maxRecordBytes = config.maxRecordBytes;
    this.client = new HttpClient(new URL(config.endpoint), timer, { caFile: config.caFile, maxSockets: config.maxInFlight + 2 });
    const channel = config.channel === '' ? randomUUID() : config.channel;
    this.headers = { authorization: `Splunk ${config.token}`, 'x-splunk-request-channel': channel };
    this.poller = new AckPoller(this.client, timer, this.headers, config.ackPollIntervalMs, config.requestTimeoutSecs * 1000);
    this.nonRetried = new Set(config.nonRetriedCodes);
    const query = new URLSearchParams(Object.entries(config.rawQuery).filter((e): e is [string, string] => typeof e[1] === 'string'));
    this.path = config.endpointType === 'Event' ? '/services/collector/event' : `/services/collector/raw${query.size > 0 ? `?${query.toString()}` : ''}`;
  }

  async probe(): Promise<Probe> {
    if (!this.config.probe) return { ok: true, detail: 'probe disabled' };
    // Firehose validates a Splunk destination by posting no data and expecting 400 code 5 "No data".
    const exchange = await this.client.request('POST', '/services/collector/event', { ...this.headers, 'content-type': 'application/json' }, Buffer.alloc(0), this.config.requestTimeoutSecs * 1000);
    if (!exchange.ok) {
      const { errorCode, errorMessage } = transportErrorCode(exchange.error.code);
      return { ok: false, errorCode, detail: errorMessage };
    }
    const reply = parseHecReply(exchange.response.body);
    if (exchange.response.status === 400 && reply?.code === HEC_NO_DATA) return { ok: true, detail: 'HEC answered 400 code 5 (No data) to the empty probe' };
    return { ok: false, errorCode: splunkErrorCode(reply?.code, exchange.response.status), detail: `empty-body probe expected 400 code 5, got HTTP ${exchange.response.status} ${reply?.code === undefined ? '' : `code ${reply.code} `}${reply?.text ?? ''}`.trim() };
  }

  async deliver(records: readonly { data: Uint8Array }[], signal: AbortSignal): Promise<Delivery> {
    const plain = Buffer.concat(records.map((r) => r.data));
    const body = this.config.gzip ? await gzipAsync(plain) : plain;
    const headers: Record<string, string> = { ...this.headers, 'content-type': this.config.endpointType === 'Event' ? 'application/json' : 'text/plain' };
    if (this.config.gzip) headers['content-encoding'] = 'gzip';
    const exchange = await this.client.request('POST', this.path, headers, body, this.config.requestTimeoutSecs * 1000, signal);
    if (!exchange.ok) {
      if (exchange.error.code === 'ABORTED') return { ok: false, retryable: true, errorCode: 'Vigil.Aborted', errorMessage: exchange.error.message };
      return { ok: false, retryable: true, ...transportErrorCode(exchange.error.code) };
    }
    const { status } = exchange.response;
    const reply = parseHecReply(exchange.response.body);
    if (status !== 200 || reply?.code !== 0) {
      const code = reply?.code;
      // Firehose retries every HEC error reply, except the codes configured as not retried.
      const retryable = code !== undefined && this.nonRetried.has(code) ? false : isRetryableStatus(status) || isHecCode(code);
      const text = reply?.text ?? exchange.response.body.toString('utf8').slice(0, 200);
      return { ok: false, retryable, errorCode: splunkErrorCode(code, status), errorMessage: `HEC answered HTTP ${status}${code === undefined ? '' : ` code ${code}`}: ${text}` };
    }
    if (!this.config.ack) return { ok: true };
    if (typeof reply.ackId !== 'number') {
      return { ok: false, retryable: false, errorCode: 'Splunk.DisabledAck', errorMessage: 'HEC returned no ackId: indexer acknowledgement is disabled on this token (enable useACK, or set ack: false)' };
    }
    const sentAt = this.now();
    const result = await this.poller.wait(reply.ackId, this.config.ackTimeoutSecs * 1000, signal);
    const waited = this.now() - sentAt;
    if (result === 'acked') return { ok: true, ackLatencyMs: waited };
    if (result === 'aborted') return { ok: false, retryable: true, errorCode: 'Vigil.Aborted', errorMessage: 'delivery aborted (stream stopping)' };
    if (result === 'reset') return { ok: false, retryable: true, ackWaitMs: waited, errorCode: 'Splunk.AckTimeout', errorMessage: 'HEC reissued this ackId on the channel (HEC restarted); the acknowledgement is lost' };
    return { ok: false, retryable: true, ackWaitMs: waited, errorCode: 'Splunk.AckTimeout', errorMessage: ACK_TIMEOUT_MESSAGE };
  }

  async stop(): Promise<void> {
    this.poller.stop();
    this.client.close();
  }
}
