import mqtt, { type MqttClient } from 'mqtt';
import { decodeResponse, defenderTopic, encodeReport, nextReportId, parseDefenderTopic } from '../../src/protocol/index.js';
import { deviceSample, sampleReport, type DeviceIdentity, type SimDevice } from '../../src/sim/index.js';

/** One report the broker answered `accepted`: the thing, its report id and the broker's timestamp (the datapoint's time). */
export interface AcceptedReport {
  readonly thing: string;
  readonly reportId: number;
  readonly timestamp: number;
  /** The node (index) the device was connected to. */
  readonly node: number;
  /** When the answer arrived (epoch ms, this process). */
  readonly answeredAt: number;
}

/**
 * Devices of the failover scenario, each a real MQTT-over-TLS client with its own certificate,
 * connected to one node (mqtt.js reconnects to the same address: the node restarted on its port),
 * reporting every `intervalMs` (QoS 1) and keeping every `accepted` answer for the accounting. The
 * target adds TCP/21 to its listening ports from `ftpAfterMs` on (the reference demo's scenario).
 */
export class ReportDriver {
  readonly accepted: AcceptedReport[] = [];
  readonly rejected = new Map<string, number>();
  published = 0;
  skipped = 0;
  private readonly clients: MqttClient[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private startedAt = 0;

  constructor(
    private readonly options: {
      readonly fleet: readonly SimDevice[];
      readonly identities: ReadonlyMap<string, DeviceIdentity>;
      readonly caPem: string;
      /** The MQTT endpoint of node `i` (stable across its restarts). */
      readonly endpoints: readonly string[];
      /** The node a device connects to. */
      readonly nodeOf: (index: number) => number;
      readonly intervalMs: number;
      readonly target: string;
      readonly ftpAfterMs: number;
    },
  ) {}

  /** Connects every device; resolves once all are subscribed to their answers. */
  async start(): Promise<void> {
    const { fleet, identities, caPem, endpoints, intervalMs } = this.options;
    const ready: Array<Promise<void>> = [];
    this.startedAt = Date.now();
    fleet.forEach((device, index) => {
      const identity = identities.get(device.thingName) as DeviceIdentity;
      const node = this.options.nodeOf(index);
      const client = mqtt.connect(endpoints[node] as string, { clientId: device.thingName, protocolVersion: 4, clean: true, reconnectPeriod: 500, connectTimeout: 5000, cert: identity.certPem, key: identity.keyPem, ca: caPem, rejectUnauthorized: true });
      this.clients.push(client);
      let subscribed = false;
      let lastReportId: number | undefined;
      client.on('error', () => undefined);
      client.on('close', () => void (subscribed = false));
      ready.push(
        new Promise((resolve) => {
          client.on('connect', () => {
            client.subscribe([defenderTopic(device.thingName, 'json', 'accepted'), defenderTopic(device.thingName, 'json', 'rejected')], { qos: 1 }, (error) => {
              subscribed = error === null || error === undefined;
              if (subscribed) resolve();
            });
          });
        }),
      );
      client.on('message', (topic, payload) => {
        const parsed = parseDefenderTopic(topic);
        if (parsed === undefined || parsed.kind === 'report') return;
        const decoded = decodeResponse(payload, parsed.format);
        if (!decoded.ok) return;
        const answer = decoded.value;
        if (answer.status === 'ACCEPTED') this.accepted.push({ thing: device.thingName, reportId: answer.reportId as number, timestamp: answer.timestamp, node, answeredAt: Date.now() });
        else {
          const code = answer.statusDetails.ErrorCode;
          this.rejected.set(code, (this.rejected.get(code) ?? 0) + 1);
        }
      });
      const report = (): void => {
        if (!client.connected || !subscribed) return void this.skipped++;
        const now = Date.now();
        let sample = deviceSample(device, now, intervalMs / 1000);
        if (device.thingName === this.options.target && now - this.startedAt >= this.options.ftpAfterMs) sample = { ...sample, tcpPorts: [...new Set([...sample.tcpPorts, 21])].sort((a, b) => a - b) };
        lastReportId = nextReportId(lastReportId, now);
        this.published++;
        client.publish(defenderTopic(device.thingName, 'json'), Buffer.from(encodeReport(sampleReport(sample, lastReportId, device.interface), { format: 'json', keys: 'long' })), { qos: 1 });
      };
      // Spread the fleet's reports over the interval.
      const phase = Math.floor((index / fleet.length) * intervalMs);
      this.timers.push(setTimeout(() => this.timers.push(setInterval(report, intervalMs)), phase));
    });
    await Promise.all(ready);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all(this.clients.map((c) => c.endAsync(true).catch(() => undefined)));
  }
}
