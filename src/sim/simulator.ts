import { connect, type MqttClient } from 'mqtt';
import type { Clock, Timer, TimerHandle } from '../core/index.js';
import type { Component } from '../model/index.js';
import { decodeResponse, defenderTopic, encodeReport, nextReportId, parseDefenderTopic, type ReportFormat } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { deviceSample, type SimDevice } from './device-model.js';
import { sampleReport } from './sample-report.js';
import { targetIndex, type Scenario } from './scenarios.js';

/** A device's credentials: its thing name (= client id) and its certificate and key (PEM). */
export interface DeviceIdentity {
  readonly thingName: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface SimulatorOptions {
  /** `mqtts://host:port` */
  readonly endpoint: string;
  /** The CA that signed the broker's certificate. */
  readonly caPem: string;
  readonly fleet: readonly SimDevice[];
  /** Credentials by thing name; every device of the fleet needs one. */
  readonly identities: ReadonlyMap<string, DeviceIdentity>;
  readonly scenario: Scenario;
  /** The device the scenario changes (default: the fleet's target index). */
  readonly target?: string;
  /** `shared-certificate`: the second thing, holding the target's certificate. */
  readonly twin?: string;
  /**
   * A device (not the target) whose agent is misconfigured: after each of its reports it also
   * publishes once to another thing's report topic, which its policy denies (one authorization
   * failure per reporting interval; the broker then closes its connection and it reconnects).
   */
  readonly misconfigured?: string;
  /** Simulated seconds per real second (default 1). */
  readonly speed?: number;
  /** Simulated seconds between two reports of a device (default 300, the Device Defender minimum). */
  readonly reportIntervalSecs?: number;
  readonly format?: ReportFormat;
  /** Local addresses the devices' connections are bound to in turn (default: the system's choice). */
  readonly sourceAddresses?: readonly string[];
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry?: Telemetry;
}

/** What the simulator has done so far, for progress lines and tests. */
export interface SimStats {
  readonly devices: number;
  readonly connected: number;
  readonly published: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Reports not sent because the device was not connected at its reporting time. */
  readonly skipped: number;
  readonly simulatedSecs: number;
  readonly lastRejection: string | undefined;
  /** Per thing: reports accepted. */
  readonly acceptedByThing: Readonly<Record<string, number>>;
}

interface Runner {
  readonly device: SimDevice;
  readonly client: MqttClient;
  subscribed: boolean;
  lastReportId: number | undefined;
  handle: TimerHandle | undefined;
}

const RECONNECT_MS = 1000;

/**
 * N MQTT-over-TLS devices, each with its own certificate and client id = thing name, reporting
 * Device Defender metrics (QoS 1, JSON by default) from its device model every reporting interval,
 * compressed by `speed`; the scenario changes one target device from its onset on.
 */
export class Simulator implements Component {
  readonly name = 'simulator';
  private readonly runners: Runner[] = [];
  private readonly extras: MqttClient[] = [];
  private readonly handles: TimerHandle[] = [];
  private readonly counts = { published: 0, accepted: 0, rejected: 0, skipped: 0 };
  private readonly acceptedByThing: Record<string, number> = {};
  private lastRejection: string | undefined;
  private startedAt = 0;
  private stopped = false;
  private readonly speed: number;
  private readonly intervalSecs: number;
  private readonly format: ReportFormat;
  readonly target: string;
  readonly misconfigured: string | undefined;

  constructor(private readonly options: SimulatorOptions) {
    this.speed = options.speed ?? 1;
    this.intervalSecs = options.reportIntervalSecs ?? 300;
    this.format = options.format ?? 'json';
    if (!(this.speed > 0)) throw new Error('speed must be positive');
    this.target = options.target ?? options.fleet[targetIndex(options.fleet.length)]?.thingName ?? '';
    this.misconfigured = options.misconfigured === this.target ? undefined : options.misconfigured;
  }

  /** Simulated time now. */
  simNow(): number {
    return this.startedAt + (this.options.clock.now() - this.startedAt) * this.speed;
  }

  /** Simulated seconds since start. */
  elapsedSecs(): number {
    return ((this.options.clock.now() - this.startedAt) * this.speed) / 1000;
  }

  /** Connects every device, waits (up to `connectTimeoutMs`) until they are subscribed, then starts the clock of the scenario. */
  async start(connectTimeoutMs = 30_000): Promise<void> {
    for (const device of this.options.fleet) {
      const identity = this.options.identities.get(device.thingName);
      if (identity === undefined) throw new Error(`no certificate for ${device.thingName}`);
      const runner: Runner = { device, client: this.connectDevice(device.thingName, identity, RECONNECT_MS, this.runners.length), subscribed: false, lastReportId: undefined, handle: undefined };
      this.watchAnswers(runner);
      this.runners.push(runner);
    }
    this.startedAt = this.options.clock.now();
    await this.waitConnected(connectTimeoutMs);
    this.startedAt = this.options.clock.now();
    this.options.telemetry?.emit('sim_started', { scenario: this.options.scenario.name }, { devices: this.options.fleet.length, connected: this.stats().connected, speed: this.speed, target: this.target });
    for (const runner of this.runners) {
      // The target reports at the start, so its first report shows the device before the scenario.
      const phase = runner.device.thingName === this.target ? 0 : runner.device.phase;
      this.schedule(runner, phase * this.intervalSecs);
    }
    const behavior = this.options.scenario.connection;
    if (behavior !== undefined) {
      this.handles.push(this.options.timer.setTimeout(() => this.beginBehavior(), this.realMs(this.options.scenario.onsetSecs)));
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const handle of this.handles) handle.cancel();
    for (const runner of this.runners) runner.handle?.cancel();
    await Promise.all([...this.runners.map((r) => r.client), ...this.extras].map((client) => client.endAsync(true).catch(() => undefined)));
  }

  stats(): SimStats {
    return {
      devices: this.runners.length,
      connected: this.runners.filter((r) => r.client.connected && r.subscribed).length,
      ...this.counts,
      simulatedSecs: Math.floor(this.elapsedSecs()),
      lastRejection: this.lastRejection,
      acceptedByThing: { ...this.acceptedByThing },
    };
  }

  /** Resolves once every device is connected and subscribed (or `timeoutMs` passed: false). */
  async waitConnected(timeoutMs: number): Promise<boolean> {
    const deadline = this.options.clock.now() + timeoutMs;
    while (this.options.clock.now() < deadline && !this.stopped) {
      if (this.runners.every((r) => r.subscribed)) return true;
      await this.options.timer.sleep(50);
    }
    return false;
  }

  private realMs(simSecs: number): number {
    return (simSecs * 1000) / this.speed;
  }

  private connectDevice(clientId: string, identity: DeviceIdentity, reconnectMs: number, index = 0): MqttClient {
    const addresses = this.options.sourceAddresses ?? [];
    const localAddress = addresses.length === 0 ? undefined : addresses[index % addresses.length];
    return connect(this.options.endpoint, {
      ...(localAddress === undefined ? {} : { localAddress }),
      clientId,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: reconnectMs,
      connectTimeout: 10_000,
      cert: identity.certPem,
      key: identity.keyPem,
      ca: this.options.caPem,
      rejectUnauthorized: true,
    });
  }

  private watchAnswers(runner: Runner): void {
    const { client, device } = runner;
    const topics = [defenderTopic(device.thingName, this.format, 'accepted'), defenderTopic(device.thingName, this.format, 'rejected')];
    client.on('connect', () => {
      // Subscribe to the answers before the first report (as every Device Defender agent does).
      client.subscribe(topics, { qos: 1 }, (error) => {
        runner.subscribed = error === null || error === undefined;
      });
    });
    client.on('close', () => {
      runner.subscribed = false;
    });
    client.on('error', () => undefined);
    client.on('message', (topic, payload) => {
      const parsed = parseDefenderTopic(topic);
      if (parsed === undefined || parsed.kind === 'report') return;
      const decoded = decodeResponse(payload, parsed.format);
      if (!decoded.ok) return;
      const response = decoded.value;
      if (response.status === 'ACCEPTED') {
        this.counts.accepted++;
        this.acceptedByThing[device.thingName] = (this.acceptedByThing[device.thingName] ?? 0) + 1;
      } else {
        this.counts.rejected++;
        this.lastRejection = `${device.thingName}: ${response.statusDetails.ErrorCode} ${response.statusDetails.ErrorMessage}`;
      }
      this.options.telemetry?.count('sim_report_answered', { status: response.status.toLowerCase() });
    });
  }

  private schedule(runner: Runner, simOffsetSecs: number): void {
    if (this.stopped) return;
    const dueMs = this.startedAt + this.realMs(simOffsetSecs);
    runner.handle = this.options.timer.setTimeout(() => {
      this.report(runner, simOffsetSecs);
      this.schedule(runner, simOffsetSecs + this.intervalSecs);
    }, Math.max(0, dueMs - this.options.clock.now()));
  }

  private report(runner: Runner, simOffsetSecs: number): void {
    const { device, client } = runner;
    if (!client.connected || !runner.subscribed) {
      this.counts.skipped++;
      return;
    }
    const atMs = this.startedAt + simOffsetSecs * 1000;
    let sample = deviceSample(device, atMs, this.intervalSecs);
    const scenario = this.options.scenario;
    const since = simOffsetSecs - scenario.onsetSecs;
    if (device.thingName === this.target && since >= 0 && scenario.metrics !== undefined) sample = scenario.metrics(sample, since);
    const reportId = nextReportId(runner.lastReportId, this.options.clock.now());
    runner.lastReportId = reportId;
    const payload = Buffer.from(encodeReport(sampleReport(sample, reportId, device.interface), { format: this.format, keys: 'long' }));
    this.counts.published++;
    client.publish(defenderTopic(device.thingName, this.format), payload, { qos: 1 }, () => {
      if (device.thingName === this.target && since >= 0 && scenario.connection === 'unauthorized-publish') this.publishElsewhere(runner, 3);
      else if (device.thingName === this.misconfigured) this.publishElsewhere(runner, 1);
    });
  }

  /** Report on behalf of `count` other things; the device policy denies each one. */
  private publishElsewhere(runner: Runner, count: number): void {
    const others = this.runners.filter((r) => r !== runner).slice(0, count);
    for (const other of others) runner.client.publish(defenderTopic(other.device.thingName, this.format), '{}', { qos: 0 });
  }

  private beginBehavior(): void {
    if (this.stopped) return;
    const runner = this.runners.find((r) => r.device.thingName === this.target);
    if (runner === undefined) return;
    const identity = this.options.identities.get(this.target) as DeviceIdentity;
    switch (this.options.scenario.connection) {
      case 'flapping':
        // The link drops (no DISCONNECT packet) three times per reporting interval; mqtt.js reconnects.
        this.handles.push(this.options.timer.setInterval(() => runner.client.stream?.destroy(), Math.max(200, this.realMs(this.intervalSecs / 3))));
        break;
      case 'duplicate-client-id':
        this.extras.push(this.connectDevice(this.target, identity, Math.max(RECONNECT_MS, this.realMs(this.intervalSecs / 2))));
        break;
      case 'shared-certificate':
        if (this.options.twin !== undefined) this.extras.push(this.connectDevice(this.options.twin, identity, RECONNECT_MS));
        break;
      default:
        break;
    }
    for (const extra of this.extras) extra.on('error', () => undefined);
  }
}
