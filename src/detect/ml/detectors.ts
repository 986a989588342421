import type { ConfidenceLevel } from '../../model/index.js';
import { rawScore, tailProbability, trainModel, type MlModel } from './baselines/legacy-median-mad.js';
import { WindowedGaussian } from './baselines/windowed-gaussian.js';
import type { MlConfig } from './config.js';
import { priorOf, trainFleetModel, type FleetModel, type TrainingSeries } from './detector/fleet-model.js';
import { scoreOfLog10P, transform } from './detector/math.js';
import { RandomCutForest } from './detector/random-cut-forest.js';
import { ScoreCalibrator } from './detector/score-calibrator.js';
import { FULL_ENSEMBLE, GENERIC_PRIOR, StreamDetector } from './detector/stream-detector.js';

/** One device's stream of one metric: a score in [0, 1] per datapoint, and per missing report when it can tell. */
export interface SeriesScorer {
  observe(time: number, value: number, peers?: ArrayLike<number>): number;
  missing(time: number): number | undefined;
}

/** A detector over a fleet (one behavior): trained on the devices' trailing windows, streaming per device. */
export interface FleetDetector {
  /** True once a model exists (an ML behavior alarms only then). */
  readonly active: boolean;
  /** One training attempt over each device's retained history; false when the minimum data is not there. */
  train(history: ReadonlyMap<string, TrainingSeries>, now: number): boolean;
  stream(thingName: string): SeriesScorer;
}

export interface DetectorKind {
  readonly name: string;
  readonly description: string;
  /** Score threshold of a confidence level for a series at a cadence; undefined for a baseline that has none. */
  readonly levels: ((level: ConfidenceLevel, cadenceMs: number) => number) | undefined;
  create(config: MlConfig, metric: string): FleetDetector;
}

/**
 * The confidence levels as expected false alarms per device-day of one behavior: LOW 3e-2, MEDIUM
 * 3e-4, HIGH 3e-6. A datapoint violates when its p (P(score ≥ s | normal)) is below that rate times
 * the stream's cadence in days — 1e-4 / 1e-6 / 1e-8 at 300 s, 12 times those at 1 h, a fifth at
 * 60 s: a level means the same alarm rate whatever the cadence.
 */
export const LEVEL_ALARMS_PER_DAY: Readonly<Record<ConfidenceLevel, number>> = { LOW: 3e-2, MEDIUM: 3e-4, HIGH: 3e-6 };

/** The score a datapoint of a stream at `cadenceMs` must reach to violate at `level`. */
export function levelScore(level: ConfidenceLevel, cadenceMs: number): number {
  const p = Math.min(1e-3, (LEVEL_ALARMS_PER_DAY[level] * Math.max(1000, cadenceMs)) / 86_400_000);
  return scoreOfLog10P(Math.log10(p));
}

/** The previous model's fixed levels (tail probability 1e-5 / 1e-7 / 1e-9 per datapoint). */
const LEGACY_LEVELS: Readonly<Record<ConfidenceLevel, number>> = { LOW: 5 / 12, MEDIUM: 7 / 12, HIGH: 9 / 12 };
/** While an alarm is raised, a datapoint keeps violating down to one decade of p below the level. */
export const HYSTERESIS_SCORE = 1 / 12;

const HOUR_MS = 3_600_000;

/** Datapoints and span of a fleet's history against the configured minimum: the collection percentage (0..100). */
export function collectionPercentage(history: ReadonlyMap<string, TrainingSeries>, minDatapoints: number, minHours: number): { percentage: number; datapoints: number } {
  let datapoints = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const s of history.values()) {
    const n = s.times.length;
    if (n === 0) continue;
    datapoints += n;
    first = Math.min(first, s.times[0] as number);
    last = Math.max(last, s.times[n - 1] as number);
  }
  const span = datapoints === 0 ? 0 : last - first;
  const percentage = Math.floor(100 * Math.min(1, datapoints / minDatapoints, minHours === 0 ? 1 : span / (minHours * HOUR_MS)));
  return { percentage, datapoints };
}

/** The streaming ensemble (docs/ml.md): fleet model trained on the window, one StreamDetector per device. */
export class EnsembleFleet implements FleetDetector {
  model: FleetModel | undefined;
  readonly streams = new Map<string, StreamDetector>();

  constructor(private readonly config: MlConfig, private readonly metric: string, private readonly withForest = false) {}

  get active(): boolean {
    return this.model !== undefined;
  }

  train(history: ReadonlyMap<string, TrainingSeries>, now: number): boolean {
    if (collectionPercentage(history, this.config.min_datapoints, this.config.min_hours).percentage < 100) return false;
    this.adopt(trainFleetModel(history, { metric: this.metric, now, previous: this.model }));
    return true;
  }

  /** Takes a trained model: new streams start from it, existing ones refresh their structure. */
  adopt(model: FleetModel): void {
    this.model = model;
    for (const [thing, stream] of this.streams) stream.refresh(priorOf(model, thing));
  }

  stream(thingName: string): StreamDetector {
    let s = this.streams.get(thingName);
    if (s === undefined) {
      s = new StreamDetector(this.model === undefined ? GENERIC_PRIOR : priorOf(this.model, thingName), this.withForest ? { ...FULL_ENSEMBLE, forest: () => new RandomCutForest({ trees: 20, sampleSize: 64, shingle: 4, seed: hash(thingName) }) } : FULL_ENSEMBLE);
      this.streams.set(thingName, s);
    }
    return s;
  }
}

/** Random cut forest alone (AWS's algorithm): shingles of log1p values, scores calibrated by a robust running law. */
class ForestFleet implements FleetDetector {
  private readonly streams = new Map<string, SeriesScorer>();
  readonly active = true;

  train(): boolean {
    return true;
  }

  stream(thingName: string): SeriesScorer {
    let s = this.streams.get(thingName);
    if (s === undefined) {
      const forest = new RandomCutForest({ trees: 30, sampleSize: 128, shingle: 4, seed: hash(thingName) });
      const calibration = new ScoreCalibrator(256, 5000);
      s = {
        observe: (_time, value) => {
          const raw = forest.update(transform(value));
          return raw === undefined ? 0 : scoreOfLog10P(calibration.observe(raw));
        },
        missing: () => undefined,
      };
      this.streams.set(thingName, s);
    }
    return s;
  }
}

class GaussianFleet implements FleetDetector {
  private readonly streams = new Map<string, SeriesScorer>();
  readonly active = true;

  train(): boolean {
    return true;
  }

  stream(thingName: string): SeriesScorer {
    let s = this.streams.get(thingName);
    if (s === undefined) {
      const g = new WindowedGaussian();
      s = { observe: (_time, value) => g.observe(value), missing: () => undefined };
      this.streams.set(thingName, s);
    }
    return s;
  }
}

/** The median/MAD model ML Detect shipped before (baselines/legacy-median-mad.ts), with its own training minimum. */
class LegacyFleet implements FleetDetector {
  private model: MlModel | undefined;

  constructor(private readonly metric: string) {}

  get active(): boolean {
    return this.model !== undefined;
  }

  train(history: ReadonlyMap<string, TrainingSeries>, now: number): boolean {
    // The shipped defaults of that model: 2,000 datapoints over 24 hours.
    if (collectionPercentage(history, 2000, 24).percentage < 100) return false;
    this.model = trainModel(history, { metric: this.metric, now });
    return true;
  }

  stream(thingName: string): SeriesScorer {
    return {
      observe: (time, value) => {
        const model = this.model;
        if (model === undefined) return 0;
        return scoreOfLog10P(Math.log10(Math.max(1e-300, tailProbability(model.calibration, rawScore(model, thingName, value, time)))));
      },
      missing: () => undefined,
    };
  }
}

/** The detectors `vigil ml evaluate` runs side by side (the first is the one ML Detect uses). Adding one is adding a row. */
export const DETECTORS: readonly DetectorKind[] = [
  { name: 'vigil', description: 'streaming ensemble: seasonal robust baseline, point/CUSUM/variance/count/relation tests, silence, Cauchy combination', levels: levelScore, create: (config, metric) => new EnsembleFleet(config, metric) },
  { name: 'vigil+rcf', description: 'the ensemble with a random cut forest on its residual shingles as one more test', levels: levelScore, create: (config, metric) => new EnsembleFleet(config, metric, true) },
  { name: 'rcf', description: 'random cut forest alone (30 trees × 128 samples, shingle 4 of log1p values), calibrated scores', levels: levelScore, create: () => new ForestFleet() },
  { name: 'windowed-gaussian', description: 'NAB baseline: normal tail of the z-score against the last 1000 raw values', levels: undefined, create: () => new GaussianFleet() },
  { name: 'legacy-median-mad', description: 'the previous ML Detect model: per-device median/MAD with hour/weekday offsets, upward only, retrained daily', levels: (level) => LEGACY_LEVELS[level], create: (_config, metric) => new LegacyFleet(metric) },
];

export function detectorKind(name: string): DetectorKind | undefined {
  return DETECTORS.find((d) => d.name === name);
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
