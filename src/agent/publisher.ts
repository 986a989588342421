import { connect, type MqttClient } from 'mqtt';
import { backoffDelay, defaultBackoff, type BackoffPolicy, type Timer, type TimerHandle } from '../core/index.js';
import { decodeResponse, defenderTopic, encodeReport, parseDefenderTopic, type DefenderResponse, type KeyStyle, type MetricReport, type ReportFormat } from '../protocol/index.js';
import type { AgentLogger } from './logger.js';

export interface PublisherOptions {
  /** `mqtts://host:port` */
  readonly endpoint: string;
  readonly thingName: string;
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly ca: string | Buffer;
  readonly format: ReportFormat;
  readonly keys: KeyStyle;
  readonly logger: AgentLogger;
  readonly timer: Timer;
  readonly backoff?: BackoffPolicy;
  readonly connectTimeoutMs?: number;
}

export interface Publisher {
  /** Connected, and subscribed to the answer topics. */
  readonly connected: boolean;
  /** Resolves once the first connection is up and subscribed. */
  readonly ready: Promise<void>;
  /** Resolves once the broker acknowledged the publish (PUBACK); waits for the first subscription. */
  publish(report: MetricReport): Promise<void>;
  /** The broker's answer for `reportId`, or undefined if none came within `timeoutMs`. */
  response(reportId: number, timeoutMs: number): Promise<DefenderResponse | undefined>;
  /** Disconnects; idempotent. */
  stop(): Promise<void>;
}

const REMEMBERED_REPORTS = 32;

/**
 * Connects to the broker over TLS with the device certificate (client id = thing name), subscribes
 * to the `/accepted` and `/rejected` topics of its format before the first publish, publishes
 * reports with QoS 1, and logs each answer matched by `reportId`. Reconnects with backoff.
 */
export function startPublisher(options: PublisherOptions): Publisher {
  const { logger, format, thingName } = options;
  const accepted = defenderTopic(thingName, format, 'accepted');
  const rejected = defenderTopic(thingName, format, 'rejected');
  const sent: number[] = [];
  const waiters = new Map<number, Array<(response: DefenderResponse) => void>>();
  const answers = new Map<number, DefenderResponse>();
  let attempt = 0;
  let stopped = false;
  let reconnect: TimerHandle | undefined;
  let subscribedNow = false;
  let markSubscribed: () => void = () => undefined;
  const subscribed = new Promise<void>((resolve) => (markSubscribed = resolve));

  const client: MqttClient = connect(options.endpoint, {
    clientId: thingName,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0, // reconnects are scheduled below, with backoff
    connectTimeout: options.connectTimeoutMs ?? 30_000,
    cert: options.cert,
    key: options.key,
    ca: options.ca,
    rejectUnauthorized: true,
  });

  client.on('connect', () => {
    attempt = 0;
    logger.info('connected', { endpoint: options.endpoint, clientId: thingName });
    client.subscribe([accepted, rejected], { qos: 1 }, (error) => {
      if (error) logger.warn('subscribe failed', { reason: error.message });
      else {
        logger.debug('subscribed', { topics: [accepted, rejected] });
        subscribedNow = true;
        markSubscribed();
      }
    });
  });
  client.on('error', (error) => logger.warn('connection error', { reason: error.message }));
  client.on('close', () => {
    subscribedNow = false;
    if (stopped || reconnect !== undefined) return;
    attempt++;
    const delayMs = backoffDelay(attempt, options.backoff ?? defaultBackoff);
    logger.warn('disconnected; reconnecting', { attempt, delayMs });
    reconnect = options.timer.setTimeout(() => {
      reconnect = undefined;
      if (!stopped) client.reconnect();
    }, delayMs);
  });
  client.on('message', (topic, payload) => {
    const parsed = parseDefenderTopic(topic);
    if (parsed === undefined || parsed.kind === 'report') return;
    const decoded = decodeResponse(payload, parsed.format);
    if (!decoded.ok) {
      logger.warn('unreadable response', { topic, reason: decoded.error.message });
      return;
    }
    const response = decoded.value;
    // Clients match answers by reportId and ignore the rest (embedded SDK, Go SDK).
    if (response.reportId === undefined || !sent.includes(response.reportId)) {
      if (response.status === 'REJECTED') logger.warn('report rejected', { reportId: response.reportId, errorCode: response.statusDetails.ErrorCode, reason: reasonOf(response) });
      else logger.debug('response for another report ignored', { reportId: response.reportId });
      return;
    }
    if (response.status === 'ACCEPTED') logger.info('report accepted', { reportId: response.reportId, topic });
    else logger.warn('report rejected', { reportId: response.reportId, errorCode: response.statusDetails.ErrorCode, reason: reasonOf(response), topic });
    answers.set(response.reportId, response);
    for (const resolve of waiters.get(response.reportId) ?? []) resolve(response);
    waiters.delete(response.reportId);
  });

  return {
    get connected() {
      return subscribedNow && client.connected;
    },
    ready: subscribed,
    async publish(report) {
      await subscribed;
      const reportId = report.header.reportId;
      sent.push(reportId);
      if (sent.length > REMEMBERED_REPORTS) answers.delete(sent.shift() ?? 0);
      const topic = defenderTopic(thingName, format);
      const payload = Buffer.from(encodeReport(report, { format, keys: options.keys }));
      await new Promise<void>((resolve, reject) => client.publish(topic, payload, { qos: 1 }, (error) => (error ? reject(error) : resolve())));
      logger.info('report published', { reportId, topic, bytes: payload.byteLength });
    },
    response(reportId, timeoutMs) {
      const known = answers.get(reportId);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        const handle = options.timer.setTimeout(() => resolve(undefined), timeoutMs);
        const list = waiters.get(reportId) ?? [];
        list.push((response) => {
          handle.cancel();
          resolve(response);
        });
        waiters.set(reportId, list);
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      reconnect?.cancel();
      await client.endAsync();
    },
  };
}

function reasonOf(response: DefenderResponse): string {
  if (response.status !== 'REJECTED') return '';
  return response.statusDetails.ErrorMessage;
}
