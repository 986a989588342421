import { hashSeed, noise, seededRandom } from './random.js';

/** One established TCP connection as a device reports it. */
export interface SimConnection {
  /** `ip:port` or `[ipv6]:port` */
  readonly remoteAddr: string;
  readonly localPort: number;
}

/** What a device measures over one reporting period: the content of one Device Defender report. */
export interface DeviceSample {
  readonly tcpPorts: readonly number[];
  readonly udpPorts: readonly number[];
  readonly connections: readonly SimConnection[];
  /** Deltas over the period, as `network_stats`. */
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly packetsIn: number;
  readonly packetsOut: number;
}

/** A kind of device: its services, its peers, its traffic and how that traffic moves over a day and a week. */
export interface DeviceModel {
  readonly name: string;
  readonly description: string;
  readonly tcpPorts: readonly number[];
  readonly udpPorts: readonly number[];
  /** Ports some devices of this kind also listen on (picked per device, for fleet variety). */
  readonly optionalTcpPorts: readonly number[];
  /** Remote peers (`ip:port`); a device keeps connections to a subset of them. */
  readonly peers: readonly string[];
  readonly connections: { readonly min: number; readonly max: number };
  readonly bytesOutPerSec: number;
  readonly bytesInPerSec: number;
  readonly bytesPerPacket: number;
  /** Activity factor per UTC hour (24 values). */
  readonly daily: readonly number[];
  /** Activity factor per weekday, 0 = Sunday (7 values). */
  readonly weekly: readonly number[];
  /** Relative noise of the traffic from one period to the next (0.1 = ±10 %). */
  readonly jitter: number;
}

/** A smooth day: `low` at night, `high` around `peakHour`. */
function dayCurve(peakHour: number, low: number, high: number): number[] {
  return Array.from({ length: 24 }, (_, hour) => {
    const distance = Math.min(Math.abs(hour - peakHour), 24 - Math.abs(hour - peakHour));
    return Number((low + (high - low) * (0.5 + 0.5 * Math.cos((Math.PI * distance) / 12))).toFixed(3));
  });
}

const FLAT_DAY = Array.from({ length: 24 }, () => 1);
const FLAT_WEEK = [1, 1, 1, 1, 1, 1, 1];
const WORK_WEEK = [0.5, 1, 1, 1, 1, 1, 0.6];

/** The device kinds of the simulated fleet; adding one is adding a row. */
export const DEVICE_MODELS: readonly DeviceModel[] = [
  {
    name: 'idle-sensor',
    description: 'battery sensor: one MQTT connection, a few hundred bytes a minute, the same all week',
    tcpPorts: [22],
    udpPorts: [5353],
    optionalTcpPorts: [],
    peers: ['10.20.0.1:8883'],
    connections: { min: 1, max: 1 },
    bytesOutPerSec: 6,
    bytesInPerSec: 3,
    bytesPerPacket: 90,
    daily: FLAT_DAY,
    weekly: FLAT_WEEK,
    jitter: 0.1,
  },
  {
    name: 'thermostat',
    description: 'building thermostat: web UI and discovery, busier in office hours on weekdays',
    tcpPorts: [22, 80],
    udpPorts: [1900, 5353],
    optionalTcpPorts: [443],
    peers: ['10.20.0.1:8883', '10.20.0.5:443', '10.20.0.6:123'],
    connections: { min: 1, max: 2 },
    bytesOutPerSec: 40,
    bytesInPerSec: 25,
    bytesPerPacket: 180,
    daily: dayCurve(13, 0.3, 1.6),
    weekly: WORK_WEEK,
    jitter: 0.2,
  },
  {
    name: 'gateway',
    description: 'site gateway: relays a local field bus to the cloud, several peers, traffic follows the working day',
    tcpPorts: [22, 80, 443, 1883],
    udpPorts: [53, 67, 5353],
    optionalTcpPorts: [8080, 502],
    peers: ['10.20.0.1:8883', '10.20.1.10:502', '10.20.1.11:502', '10.20.1.12:502', '203.0.113.40:443', '[2001:db8:20::10]:443', '10.20.0.53:53'],
    connections: { min: 3, max: 6 },
    bytesOutPerSec: 12_000,
    bytesInPerSec: 4_000,
    bytesPerPacket: 700,
    daily: dayCurve(11, 0.4, 1.5),
    weekly: WORK_WEEK,
    jitter: 0.15,
  },
  {
    name: 'camera',
    description: 'IP camera: streams to a recorder all day, more motion (and bytes) in daylight',
    tcpPorts: [22, 80, 554],
    udpPorts: [3702, 5353],
    optionalTcpPorts: [8000],
    peers: ['10.20.0.1:8883', '10.20.2.5:554', '10.20.2.6:443', '203.0.113.41:443'],
    connections: { min: 2, max: 3 },
    bytesOutPerSec: 180_000,
    bytesInPerSec: 6_000,
    bytesPerPacket: 1_300,
    daily: dayCurve(14, 0.6, 1.3),
    weekly: FLAT_WEEK,
    jitter: 0.25,
  },
];

export function deviceModel(name: string): DeviceModel | undefined {
  return DEVICE_MODELS.find((m) => m.name === name);
}

/** One simulated device: a model plus what makes it differ from its siblings. Plain data. */
export interface SimDevice {
  readonly thingName: string;
  readonly model: string;
  readonly seed: number;
  readonly interface: string;
  /** Traffic volume relative to the model (0.6–1.4). */
  readonly scale: number;
  readonly extraTcpPorts: readonly number[];
  /** Where in the reporting interval this device reports, as a fraction (0–1). */
  readonly phase: number;
}

const MODEL_WEIGHTS: ReadonlyArray<readonly [string, number]> = [['idle-sensor', 0.45], ['thermostat', 0.2], ['gateway', 0.15], ['camera', 0.2]];

/** A deterministic fleet: the same `count` and `seed` always give the same devices. */
export function buildFleet(options: { count: number; seed?: number; prefix?: string }): SimDevice[] {
  const seed = options.seed ?? 1;
  const prefix = options.prefix ?? 'sim';
  const width = Math.max(2, String(options.count).length);
  return Array.from({ length: options.count }, (_, index) => {
    const random = seededRandom(hashSeed(seed, 'device', index));
    let pick = random();
    let modelName = MODEL_WEIGHTS[0]?.[0] ?? 'idle-sensor';
    for (const [name, weight] of MODEL_WEIGHTS) {
      if (pick < weight) {
        modelName = name;
        break;
      }
      pick -= weight;
    }
    const model = deviceModel(modelName) as DeviceModel;
    const extraTcpPorts = model.optionalTcpPorts.filter(() => random() < 0.3);
    return {
      thingName: `${prefix}-${modelName}-${String(index + 1).padStart(width, '0')}`,
      model: modelName,
      seed: hashSeed(seed, 'device-seed', index),
      interface: random() < 0.7 ? 'eth0' : 'wlan0',
      scale: Number((0.6 + random() * 0.8).toFixed(3)),
      extraTcpPorts,
      phase: Number(random().toFixed(3)),
    };
  });
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function interpolate(values: readonly number[], position: number): number {
  const low = Math.floor(position) % values.length;
  const high = (low + 1) % values.length;
  const weight = position - Math.floor(position);
  return (values[low] ?? 1) * (1 - weight) + (values[high] ?? 1) * weight;
}

/** Activity factor of a model at a moment: daily curve × weekday (UTC). */
export function activity(model: DeviceModel, atMs: number): number {
  const date = new Date(atMs);
  const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
  return interpolate(model.daily, hour) * (model.weekly[date.getUTCDay()] ?? 1);
}

/**
 * What `device` reports for the period of `periodSecs` ending at `atMs`. A pure function: the same
 * device, time and period always give the same sample (the ML corpus generator relies on it).
 */
export function deviceSample(device: SimDevice, atMs: number, periodSecs: number): DeviceSample {
  const model = deviceModel(device.model);
  if (model === undefined) throw new Error(`unknown device model ${device.model}`);
  const second = Math.floor(atMs / 1000);
  const middle = atMs - (periodSecs * 1000) / 2;
  const level = activity(model, middle) * device.scale;
  const wobble = (key: string): number => 1 + model.jitter * (2 * noise(device.seed, key, second) - 1);
  const bytesOut = Math.round(model.bytesOutPerSec * periodSecs * level * wobble('out'));
  const bytesIn = Math.round(model.bytesInPerSec * periodSecs * level * wobble('in'));
  const packets = (bytes: number, key: string): number => (bytes === 0 ? 0 : Math.max(1, Math.round((bytes / model.bytesPerPacket) * (0.9 + 0.2 * noise(device.seed, key, second)))));

  // Connections change slowly: the open set is stable for ten minutes at a time.
  const window = Math.floor(atMs / 600_000);
  const order = seededRandom(hashSeed(device.seed, 'peers', window));
  const count = model.connections.min + Math.floor(order() * (model.connections.max - model.connections.min + 1));
  const peers = shuffle(model.peers, order).slice(0, Math.min(count, model.peers.length));
  const connections = peers.map((remoteAddr, i) => ({ remoteAddr, localPort: 32_768 + Math.floor(noise(device.seed, 'lport', window, i) * 28_000) }));

  return {
    tcpPorts: [...model.tcpPorts, ...device.extraTcpPorts].sort((a, b) => a - b),
    udpPorts: [...model.udpPorts].sort((a, b) => a - b),
    connections,
    bytesIn,
    bytesOut,
    packetsIn: packets(bytesIn, 'pin'),
    packetsOut: packets(bytesOut, 'pout'),
  };
}
