import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MlCorpus, MlIncident } from '../model/index.js';
import { activity, buildFleet, deviceModel, deviceSample, type SimDevice } from './device-model.js';
import { noise } from './random.js';

/** The metrics of the scenario corpus: the 13 AWS metrics ML Detect supports (device-side, then cloud-side). */
export const SCENARIO_METRICS: readonly string[] = [
  'aws:all-bytes-out', 'aws:all-bytes-in', 'aws:all-packets-out', 'aws:all-packets-in', 'aws:num-listening-tcp-ports', 'aws:num-listening-udp-ports', 'aws:num-established-tcp-connections',
  'aws:num-messages-sent', 'aws:num-messages-received', 'aws:message-byte-size', 'aws:num-authorization-failures', 'aws:num-connection-attempts', 'aws:num-disconnects',
];

/** Monday 2026-01-05 00:00 UTC: the corpus starts on a week boundary. */
export const CORPUS_START = Date.UTC(2026, 0, 5);

export interface CorpusOptions {
  readonly devices?: number;
  readonly days?: number;
  readonly trainDays?: number;
  readonly periodSecs?: number;
  readonly seed?: number;
}

/** Cloud-side traffic per model (the simulator models device-side metrics only). */
const CLOUD: Readonly<Record<string, { readonly sent: number; readonly received: number; readonly size: number; readonly reconnectsPerDay: number; readonly deniedPerDay: number }>> = {
  'idle-sensor': { sent: 5, received: 1, size: 120, reconnectsPerDay: 1, deniedPerDay: 0.2 },
  thermostat: { sent: 10, received: 3, size: 300, reconnectsPerDay: 0.5, deniedPerDay: 0.5 },
  gateway: { sent: 60, received: 12, size: 900, reconnectsPerDay: 0.3, deniedPerDay: 1 },
  camera: { sent: 20, received: 4, size: 400, reconnectsPerDay: 0.5, deniedPerDay: 0.2 },
};

interface IncidentKind {
  readonly type: string;
  readonly metrics: readonly string[];
  /** Length in datapoints (Infinity: until the end of the corpus). */
  readonly length: number;
  readonly window: number;
  /** Datapoints before the onset at which the same incident already happened once (a repeat). */
  readonly earlier?: number;
  readonly apply: (values: Record<string, number>, sinceOnset: number, random: number) => void;
}

const DAY_POINTS = 288;

/** The injected incidents (issue 13); adding one is adding a row. */
export const INCIDENT_KINDS: readonly IncidentKind[] = [
  { type: 'new-listening-port', metrics: ['aws:num-listening-tcp-ports'], length: Infinity, window: 2, apply: (v) => void (v['aws:num-listening-tcp-ports'] = (v['aws:num-listening-tcp-ports'] ?? 0) + 1) },
  { type: 'bytes-out-x10', metrics: ['aws:all-bytes-out'], length: 2, window: 2, apply: (v) => void (v['aws:all-bytes-out'] = (v['aws:all-bytes-out'] ?? 0) * 10) },
  { type: 'slow-bytes-out-ramp', metrics: ['aws:all-bytes-out'], length: DAY_POINTS, window: DAY_POINTS, apply: (v, k) => void (v['aws:all-bytes-out'] = Math.round((v['aws:all-bytes-out'] ?? 0) * (1 + (9 * (k + 1)) / DAY_POINTS))) },
  { type: 'authorization-failure-burst', metrics: ['aws:num-authorization-failures'], length: 3, window: 2, apply: (v, _k, r) => void (v['aws:num-authorization-failures'] = 15 + Math.floor(r * 30)) },
  {
    type: 'connect-flapping',
    metrics: ['aws:num-connection-attempts', 'aws:num-disconnects'],
    length: 6,
    window: 2,
    apply: (v, _k, r) => {
      const n = 4 + Math.floor(r * 6);
      v['aws:num-connection-attempts'] = n;
      v['aws:num-disconnects'] = n;
    },
  },
  { type: 'message-size-jump', metrics: ['aws:message-byte-size'], length: Infinity, window: 2, apply: (v) => void (v['aws:message-byte-size'] = (v['aws:message-byte-size'] ?? 0) * 6) },
  { type: 'packets-out-surge', metrics: ['aws:all-packets-out'], length: 3, window: 2, apply: (v) => void (v['aws:all-packets-out'] = (v['aws:all-packets-out'] ?? 0) * 8) },
  {
    // The device stops reporting: no datapoint of any metric for 12 hours (NaN = no report).
    type: 'device-goes-silent',
    metrics: SCENARIO_METRICS,
    length: 12 * 12,
    window: 12,
    apply: (v) => {
      for (const m of SCENARIO_METRICS) v[m] = Number.NaN;
    },
  },
  // The exfiltration of a week before, again: bytes out ×10 for half an hour, seven days after the first.
  { type: 'repeat-of-last-weeks-exfiltration', metrics: ['aws:all-bytes-out'], length: 6, window: 2, earlier: 7 * DAY_POINTS, apply: (v) => void (v['aws:all-bytes-out'] = (v['aws:all-bytes-out'] ?? 0) * 10) },
];

/** The 13 ML metrics of one device at one datapoint, before incidents: device-side from the simulator's model. */
export function cloudAndDeviceValues(device: SimDevice, atMs: number, periodSecs: number): Record<string, number> {
  const sample = deviceSample(device, atMs, periodSecs);
  const model = deviceModel(device.model);
  const cloud = CLOUD[device.model] ?? (CLOUD['idle-sensor'] as (typeof CLOUD)[string]);
  const level = model === undefined ? 1 : activity(model, atMs) * device.scale;
  const n = (key: string): number => noise(device.seed, 'ml', key, atMs);
  const sent = Math.max(1, Math.round(cloud.sent * Math.sqrt(level) * (0.9 + 0.2 * n('sent'))));
  const perDay = 86_400 / periodSecs;
  const reconnect = n('reconnect') < cloud.reconnectsPerDay / perDay ? 1 : 0;
  const denied = n('denied') < cloud.deniedPerDay / perDay ? 1 + Math.floor(n('denied-n') * 2) : 0;
  return {
    'aws:all-bytes-out': sample.bytesOut,
    'aws:all-bytes-in': sample.bytesIn,
    'aws:all-packets-out': sample.packetsOut,
    'aws:all-packets-in': sample.packetsIn,
    'aws:num-listening-tcp-ports': sample.tcpPorts.length,
    'aws:num-listening-udp-ports': sample.udpPorts.length,
    'aws:num-established-tcp-connections': sample.connections.length,
    'aws:num-messages-sent': sent,
    'aws:num-messages-received': Math.round(cloud.received * Math.sqrt(level) * (0.5 + n('received'))),
    'aws:message-byte-size': Math.round(sent * cloud.size * (0.9 + 0.2 * n('size'))),
    'aws:num-authorization-failures': denied,
    'aws:num-connection-attempts': reconnect,
    'aws:num-disconnects': reconnect,
  };
}

/**
 * A labelled corpus: `devices` simulated devices (the simulator's fleet mix) × `days` at
 * `periodSecs`, incident-free for `trainDays` (but for the first occurrence of a repeated
 * incident), then one incident on each of the first 9 × ⌊devices / 10⌋ devices (types in turn), at
 * a seeded time of the evaluated part.
 */
export function generateCorpus(options: CorpusOptions = {}): MlCorpus {
  const count = options.devices ?? 60;
  const days = options.days ?? 14;
  const trainDays = options.trainDays ?? 7;
  const periodSecs = options.periodSecs ?? 300;
  const seed = options.seed ?? 1;
  const perDay = 86_400 / periodSecs;
  const points = Math.round(days * perDay);
  const trainPoints = Math.round(trainDays * perDay);
  const fleet = buildFleet({ count, seed, prefix: 'ml' });
  const incidentDevices = INCIDENT_KINDS.length * Math.floor(count / 10);
  const incidents: MlIncident[] = [];
  const devices = fleet.map((device, index) => {
    const series: Record<string, Float64Array> = Object.fromEntries(SCENARIO_METRICS.map((m) => [m, new Float64Array(points)]));
    const kind = index < incidentDevices ? INCIDENT_KINDS[index % INCIDENT_KINDS.length] : undefined;
    let incident: MlIncident | undefined;
    if (kind !== undefined) {
      const latest = points - Math.round(perDay * 1.5);
      // A repeat needs its first occurrence inside the corpus (`earlier` datapoints before); a corpus too short has only the second.
      const earliest = Math.max(trainPoints + Math.round(perDay / 2), Math.min(latest, (kind.earlier ?? 0) + Math.round(perDay / 2)));
      const onset = earliest + Math.floor(noise(seed, 'onset', index) * (latest - earliest));
      incident = { id: `${kind.type}:${device.thingName}`, type: kind.type, thingName: device.thingName, metrics: kind.metrics, onset, end: Number.isFinite(kind.length) ? onset + kind.length : points, window: kind.window };
      incidents.push(incident);
    }
    for (let i = 0; i < points; i++) {
      const at = CORPUS_START + (i + 1) * periodSecs * 1000;
      const values = cloudAndDeviceValues(device, at, periodSecs);
      if (kind !== undefined && incident !== undefined && i >= incident.onset && i < incident.end) kind.apply(values, i - incident.onset, noise(seed, 'incident', index, i));
      const first = kind?.earlier === undefined || incident === undefined ? -1 : incident.onset - kind.earlier;
      if (kind !== undefined && first >= 0 && i >= first && i < first + kind.length) kind.apply(values, i - first, noise(seed, 'incident', index, i));
      for (const m of SCENARIO_METRICS) (series[m] as Float64Array)[i] = values[m] ?? 0;
    }
    return { thingName: device.thingName, model: device.model, series };
  });
  return { start: CORPUS_START, periodSecs, points, trainPoints, devices, incidents };
}

/** Writes `manifest.json` and one `devices/<thing>.json` per device. */
export async function writeCorpus(dir: string, corpus: MlCorpus): Promise<void> {
  await mkdir(join(dir, 'devices'), { recursive: true });
  const { devices, ...manifest } = corpus;
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify({ ...manifest, metrics: SCENARIO_METRICS, devices: devices.map((d) => ({ thingName: d.thingName, model: d.model })) }, null, 2)}\n`);
  for (const d of devices) {
    // JSON has no NaN: a missing report is written as null.
    const series = Object.fromEntries(Object.entries(d.series).map(([m, v]) => [m, Array.from(v, (x) => (Number.isNaN(x) ? null : x))]));
    await writeFile(join(dir, 'devices', `${d.thingName}.json`), JSON.stringify({ thingName: d.thingName, model: d.model, series }));
  }
}

export async function readCorpus(dir: string): Promise<MlCorpus> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Omit<MlCorpus, 'devices'> & { devices: Array<{ thingName: string }> };
  const files = new Set(await readdir(join(dir, 'devices')));
  const devices: Array<MlCorpus['devices'][number]> = [];
  for (const d of manifest.devices) {
    if (!files.has(`${d.thingName}.json`)) continue;
    const device = JSON.parse(await readFile(join(dir, 'devices', `${d.thingName}.json`), 'utf8')) as { thingName: string; model: string; series: Record<string, Array<number | null>> };
    const series = Object.fromEntries(Object.entries(device.series).map(([m, v]) => [m, Float64Array.from(v, (x) => x ?? Number.NaN)]));
    devices.push({ thingName: device.thingName, model: device.model, series });
  }
  return { start: manifest.start, periodSecs: manifest.periodSecs, points: manifest.points, trainPoints: manifest.trainPoints, incidents: manifest.incidents, devices };
}
