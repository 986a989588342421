import { hashSeed, seededRandom } from '../../../core/index.js';
import { probationOf } from './nab-score.js';

/**
 * The labelled evaluation corpus of ML Detect (docs/ml.md): fleets of synthetic devices, one per
 * (cadence, noise, kind of signal); in each fleet one device per anomaly family that applies to the
 * kind, plus normal devices (trends, several seasonalities, regimes, short gaps) that must not alarm.
 * Every series is one metric on a regular grid of report slots; a slot without a report is NaN.
 */
export interface LabelledSeries {
  readonly id: string;
  readonly fleet: string;
  readonly thingName: string;
  readonly family: string;
  readonly magnitude: 'small' | 'large' | 'none';
  readonly kind: string;
  readonly cadenceSecs: number;
  readonly noise: string;
  readonly metric: string;
  /** Report times (epoch ms), one per slot. */
  readonly times: Float64Array;
  /** Raw values; NaN = no report in that slot. */
  readonly values: Float64Array;
  /** The relation peer (packets for bytes), NaN where absent; undefined for kinds without one. */
  readonly peer: Float64Array | undefined;
  /** Labelled NAB windows (inclusive slot ranges), one per injected anomaly. */
  readonly windows: ReadonlyArray<readonly [number, number]>;
  /** The injected anomalies themselves (slot ranges, end exclusive). */
  readonly anomalies: ReadonlyArray<readonly [number, number]>;
  readonly probation: number;
}

export interface LabelledCorpus {
  readonly seed: number;
  readonly series: readonly LabelledSeries[];
}

export interface LabelledCorpusOptions {
  readonly seed?: number;
  /** Cadences (seconds) to include; default 60, 300, 3600. */
  readonly cadences?: readonly number[];
  readonly kinds?: readonly string[];
  readonly noises?: readonly string[];
  /** Normal devices per fleet (default 4). */
  readonly normals?: number;
  /** Scales every series' length (default 1). */
  readonly lengthFactor?: number;
}

/** Anomaly families; `applies` lists the kinds of signal each makes sense for. Adding one is adding a row. */
export const FAMILIES: readonly string[] = ['spike', 'dip', 'level-up', 'level-down', 'drop-to-zero', 'silence', 'variance-up', 'variance-down', 'repeat', 'seasonality-break', 'drift', 'relation'];

interface Kind {
  readonly name: string;
  readonly metric: string;
  readonly families: readonly string[];
}

/** Kinds of normal signal; a fleet is one kind at one cadence and one noise level. */
export const KINDS: readonly Kind[] = [
  { name: 'daily-weekly', metric: 'aws:all-bytes-out', families: FAMILIES },
  { name: 'other-period', metric: 'aws:all-bytes-in', families: FAMILIES },
  { name: 'regimes', metric: 'aws:all-bytes-out', families: FAMILIES.filter((f) => f !== 'seasonality-break') },
  { name: 'gauge', metric: 'aws:num-established-tcp-connections', families: ['spike', 'dip', 'level-up', 'level-down', 'drop-to-zero', 'silence', 'variance-up', 'variance-down', 'repeat', 'seasonality-break', 'drift'] },
  { name: 'sparse', metric: 'aws:num-authorization-failures', families: ['spike', 'level-up', 'repeat'] },
];

export const NOISES: Readonly<Record<string, number>> = { low: 0.05, high: 0.2 };

const DAY = 86_400_000;
const HOUR = 3_600_000;
/**
 * Saturday 2026-01-03 00:00 UTC: the probation period (NAB's first 15 %, at most 750 records) then
 * holds the first weekend, so a weekly cycle is seen once before scoring starts.
 */
export const LABELLED_START = Date.UTC(2026, 0, 3);

/** Days per series by cadence: enough for the longest period to repeat. */
function daysOf(cadenceSecs: number): number {
  return cadenceSecs <= 60 ? 5 : cadenceSecs <= 300 ? 21 : 60;
}

/** The extra period of the `other-period` kind at each cadence: 90 min, 6 h, 3.5 days. */
function otherPeriod(cadenceSecs: number): number {
  return cadenceSecs <= 60 ? 90 * 60_000 : cadenceSecs <= 300 ? 6 * HOUR : 84 * HOUR;
}

/** Generates the corpus. Deterministic for a seed. */
export function generateLabelledCorpus(options: LabelledCorpusOptions = {}): LabelledCorpus {
  const seed = options.seed ?? 1;
  const series: LabelledSeries[] = [];
  const cadences = options.cadences ?? [60, 300, 3600];
  const kinds = KINDS.filter((k) => options.kinds === undefined || options.kinds.includes(k.name));
  const noises = Object.keys(NOISES).filter((n) => options.noises === undefined || options.noises.includes(n));
  let fleetIndex = 0;
  for (const cadence of cadences) {
    for (const noise of noises) {
      for (const kind of kinds) {
        const fleet = `${kind.name}-${cadence}s-${noise}`;
        const devices: Array<{ family: string; magnitude: LabelledSeries['magnitude'] }> = kind.families.map((family, i) => ({ family, magnitude: (i + fleetIndex) % 2 === 0 ? 'large' : 'small' }));
        for (let i = 0; i < (options.normals ?? 4); i++) devices.push({ family: 'normal', magnitude: 'none' });
        devices.forEach((d, index) => series.push(generateSeries({ seed, fleet, kind, cadence, noise, index, family: d.family, magnitude: d.magnitude, lengthFactor: options.lengthFactor ?? 1 })));
        fleetIndex++;
      }
    }
  }
  return { seed, series };
}

interface SeriesSpec {
  readonly seed: number;
  readonly fleet: string;
  readonly kind: Kind;
  readonly cadence: number;
  readonly noise: string;
  readonly index: number;
  readonly family: string;
  readonly magnitude: LabelledSeries['magnitude'];
  readonly lengthFactor: number;
}

/** Standard normal from two uniforms (Box–Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function poisson(random: () => number, lambda: number): number {
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(random)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

function generateSeries(spec: SeriesSpec): LabelledSeries {
  const { cadence, kind, family, magnitude } = spec;
  const random = seededRandom(hashSeed(spec.seed, spec.fleet, spec.index));
  const cadenceMs = cadence * 1000;
  const n = Math.round((daysOf(cadence) * spec.lengthFactor * DAY) / cadenceMs);
  const large = magnitude === 'large';
  const sigma = NOISES[spec.noise] as number;
  const thingName = `${spec.fleet}-${String(spec.index).padStart(2, '0')}`;
  const normal = family === 'normal';
  const weekly = cadence >= 300;

  // Per-device shape: level, amplitudes, phase, trend (normal devices only), AR(1) noise.
  const base = kind.name === 'gauge' ? Math.log(6 + 6 * random()) : 10 + 4 * random();
  const dailyAmp = kind.name === 'other-period' ? 0.15 : 0.35 + 0.35 * random();
  const weekendDrop = weekly && kind.name !== 'other-period' ? 0.3 + 0.3 * random() : 0;
  const otherAmp = kind.name === 'other-period' ? 0.4 + 0.3 * random() : normal && spec.index % 2 === 0 && kind.name === 'daily-weekly' ? 0.2 : 0;
  const period = otherPeriod(cadence);
  const phase = random() * 2 * Math.PI;
  const trendPerDay = normal && spec.index % 3 === 1 ? (random() < 0.5 ? 1 : -1) * (0.02 + 0.02 * random()) : 0;
  const rho = spec.index % 2 === 0 ? 0.5 : 0;
  const bytesPerPacket = 400 + 800 * random();

  // Anomaly placement: onset in the second half, the repeat a week (at 60 s: two days) after the first.
  const onsetLo = Math.floor(n * 0.5);
  const onsetHi = Math.floor(n * 0.75);
  let onset = onsetLo + Math.floor(random() * (onsetHi - onsetLo));
  const slotsPer = (ms: number): number => Math.max(1, Math.round(ms / cadenceMs));
  const anomalies: Array<[number, number]> = [];
  const repeatGap = slotsPer(cadence <= 60 ? 2 * DAY : 7 * DAY);
  switch (family) {
    case 'normal':
      break;
    case 'spike':
    case 'dip':
      anomalies.push([onset, onset + 1 + Math.floor(random() * 3)]);
      break;
    case 'repeat': {
      onset = Math.floor(n * 0.3) + Math.floor(random() * n * 0.1);
      const length = slotsPer(30 * 60_000) + 1;
      anomalies.push([onset, onset + length], [onset + repeatGap, onset + repeatGap + length]);
      break;
    }
    case 'drop-to-zero':
    case 'silence':
      anomalies.push([onset, large ? n : Math.min(n, onset + Math.max(24, slotsPer(2 * HOUR)))]);
      break;
    default:
      anomalies.push([onset, n]);
  }
  const inAnomaly = (i: number): number => {
    for (let a = 0; a < anomalies.length; a++) {
      const [s, e] = anomalies[a] as [number, number];
      if (i >= s && i < e) return a;
    }
    return -1;
  };

  // Regimes: an on/off process with exponential dwell times (hours), seen from the start.
  const regimeOffMs = 5 * HOUR;
  const regimeOnMs = 3 * HOUR;
  let regimeOn = true;
  let regimeUntil = 0;
  const drop = 1.6 + 0.6 * random();

  const times = new Float64Array(n);
  const values = new Float64Array(n);
  const peer = kind.name === 'gauge' || kind.name === 'sparse' ? undefined : new Float64Array(n);
  let ar = 0;
  let flat = Number.NaN;
  const driftSlots = slotsPer(cadence <= 60 ? DAY : cadence <= 300 ? 2 * DAY : 4 * DAY);
  for (let i = 0; i < n; i++) {
    const t = LABELLED_START + i * cadenceMs + Math.round((random() - 0.5) * 0.04 * cadenceMs);
    times[i] = t;
    const a = inAnomaly(i);
    const active = a >= 0;
    const since = active ? i - (anomalies[a] as [number, number])[0] : -1;
    const hour = ((t % DAY) / HOUR) * ((2 * Math.PI) / 24);
    let season = dailyAmp * Math.sin(hour + phase) + otherAmp * Math.sin(((t % period) / period) * 2 * Math.PI + phase * 2);
    const weekday = (Math.floor(t / DAY) + 4) % 7;
    if (weekendDrop > 0 && (weekday === 0 || weekday === 6)) season -= weekendDrop;
    if (family === 'seasonality-break' && active) season = large ? -season : season * 0.2;
    let noiseScale = sigma;
    if (family === 'variance-up' && active) noiseScale *= large ? 4 : 2.5;
    if (family === 'variance-down' && active) noiseScale *= large ? 0 : 0.15;
    ar = rho * ar + Math.sqrt(1 - rho * rho) * gaussian(random);
    let x = base + trendPerDay * ((t - LABELLED_START) / DAY) + season + noiseScale * ar;
    // Regimes: spikes start from the busier regime and dips from the quieter one, so that an
    // anomaly never merely looks like the other normal regime.
    const busy = x;
    if (kind.name === 'regimes') {
      if (t >= regimeUntil) {
        regimeOn = !regimeOn;
        regimeUntil = t + (-Math.log(1 - random()) + 0.2) * (regimeOn ? regimeOnMs : regimeOffMs);
      }
      if (!regimeOn) x -= drop;
    }
    if (active) {
      switch (family) {
        case 'spike':
          x = busy + Math.log(large ? 10 : 3);
          break;
        case 'dip':
          x = busy - (kind.name === 'regimes' ? drop : 0) - Math.log(large ? 10 : 3);
          break;
        case 'repeat':
          x = busy + Math.log(large ? 10 : 4);
          break;
        case 'level-up':
          x += Math.log(large ? 4 : 1.6);
          break;
        case 'level-down':
          x -= Math.log(large ? 4 : 1.6);
          break;
        case 'drift':
          x += Math.log(large ? 3 : 1.6) * Math.min(1, (since + 1) / driftSlots);
          break;
        default:
          break;
      }
    }
    let value: number;
    if (kind.name === 'gauge') value = poisson(random, Math.exp(x));
    else if (kind.name === 'sparse') {
      // Authorization failures: rare singles; a burst (spike), a higher rate (level-up).
      const rate = (cadence / 3600) * 0.08 * (1 + 0.5 * Math.sin(hour + phase));
      value = poisson(random, rate);
      if (active && (family === 'spike' || family === 'repeat')) value += large ? 20 + Math.floor(random() * 20) : 6 + Math.floor(random() * 4);
      if (active && family === 'level-up') value += poisson(random, large ? 2 : 0.6);
    } else value = Math.max(0, Math.round(Math.expm1(x)));
    if (family === 'variance-down' && active && (large || kind.name === 'gauge')) {
      if (Number.isNaN(flat)) flat = value;
      value = flat;
    }
    if (family === 'drop-to-zero' && active) value = 0;
    if (peer !== undefined) {
      const ratio = family === 'relation' && active ? (large ? 0.25 : 0.45) : 1;
      peer[i] = Math.max(1, Math.round((value / bytesPerPacket / ratio) * Math.exp(0.03 * gaussian(random))));
    }
    values[i] = value;
  }
  // Normal gaps: isolated missing reports (0.5 %) and a short outage (3 reports) every ~4 days.
  const outageEvery = slotsPer(4 * DAY);
  for (let i = 1; i < n; i++) {
    const a = inAnomaly(i);
    if (family === 'silence' && a >= 0) {
      values[i] = Number.NaN;
      if (peer !== undefined) peer[i] = Number.NaN;
      continue;
    }
    const lost = random() < 0.005 || (i % outageEvery >= outageEvery - 3 && i > outageEvery / 2);
    if (lost && a < 0) {
      values[i] = Number.NaN;
      if (peer !== undefined) peer[i] = Number.NaN;
    }
  }
  const windowLength = Math.max(1, Math.floor((0.1 * n) / Math.max(1, anomalies.length)));
  const windows = anomalies.map(([s]) => [s, Math.min(n - 1, s + windowLength - 1)] as const);
  return { id: `${spec.fleet}/${thingName}`, fleet: spec.fleet, thingName, family, magnitude, kind: kind.name, cadenceSecs: cadence, noise: spec.noise, metric: kind.metric, times, values, peer, windows, anomalies, probation: probationOf(n) };
}
