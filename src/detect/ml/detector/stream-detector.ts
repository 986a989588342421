import { defaultGapTail, gapBin, gapTail, GAP_EDGES } from './arrivals.js';
import { cauchyCombineLog10, scoreOfLog10P, transform } from './math.js';
import type { RandomCutForest } from './random-cut-forest.js';
import { cusumTail, GAUSSIAN_TAIL, residualTail, type EmpiricalTail } from './residual-tail.js';
import { ScoreCalibrator } from './score-calibrator.js';
import { cycleOf, phaseOf, profileAt, type Seasonality } from './seasonality.js';

/**
 * What a stream starts from: the device's own trained baseline, or the fleet's for a device the
 * model has not seen (`n` = 0, `levelSpread` = how far devices' levels sit apart). Transformed units.
 */
export interface DetectorPrior {
  readonly n: number;
  readonly level: number;
  readonly levelSpread: number;
  readonly scale: number;
  readonly cadenceMs: number;
  /** Change of the level per day (trend), 0 when none is significant. */
  readonly slopePerDay: number;
  readonly seasonality: Seasonality | undefined;
  /** Levels the device switches between, with the share of time at each (normal regimes). */
  readonly regimes: ReadonlyArray<readonly [number, number]> | undefined;
  /** P(gap ≥ GAP_EDGES[i]) of the fleet's reports, the prior law of silences; undefined = default. */
  readonly gapTail: readonly number[] | undefined;
  /** Shares of standardized residuals beyond 2, 3 and 4 (fleet-wide), the prior of the residual tail. */
  readonly tail: readonly [number, number, number];
  /** When `level` was measured (the end of the device's training window); undefined for the fleet's prior. */
  readonly levelAt?: number | undefined;
}

/** Which components a detector runs: the full ensemble, or parts of it (ablations, baselines). */
export interface DetectorParts {
  readonly point: boolean;
  readonly level: boolean;
  readonly variance: boolean;
  readonly flatline: boolean;
  readonly relation: boolean;
  readonly silence: boolean;
  readonly forest: (() => RandomCutForest) | undefined;
}

export const FULL_ENSEMBLE: DetectorParts = { point: true, level: true, variance: true, flatline: true, relation: true, silence: true, forest: undefined };

/** The generic prior of a stream before any model: level from its first datapoint, a wide scale. */
export const GENERIC_PRIOR: DetectorPrior = { n: 0, level: Number.NaN, levelSpread: 0, scale: 0.5, cadenceMs: 300_000, slopePerDay: 0, seasonality: undefined, regimes: undefined, gapTail: undefined, tail: GAUSSIAN_TAIL };

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Time constants (ms) of the online estimates. */
const TAU_LEVEL = 6 * HOUR;
const TAU_SCALE = 2 * DAY;
const TAU_AR = 2 * DAY;
const TAU_MODE = 7 * DAY;
const TAU_GAPS = 14 * DAY;
const TAU_SPARSE = 7 * DAY;
const TAU_TAIL = 7 * DAY;
const TAU_RELATION = DAY;
/** The drift test's spread of the online level around the trained one: learned over ~3 days, starting at a quarter of the scale. */
const TAU_DRIFT = 3 * DAY;
const DRIFT_SPREAD = 0.25;
const DRIFT_PRIOR_POINTS = 50;
/** Seasonal profiles remember about this many periods. */
const SEASON_MEMORY_PERIODS = 8;
/** Smallest scale (transformed units): a constant series still scores a change as a finite, large z. */
export const SCALE_FLOOR = 0.02;
/** Pseudo-datapoints of the prior scale. */
const PRIOR_SCALE_POINTS = 16;
/** Residuals beyond this many scales are clipped in every update (Huber). */
const HUBER = 2.5;
/** Updates from a datapoint whose combined p is below 10^ANOMALY_LOG10P count this much. */
const ANOMALY_LOG10P = -5;
const ANOMALY_WEIGHT = 0.1;
/** A stream anomalous for more than half of its recent datapoints (over ~6 h) learns at full weight: a new normal. */
const TAU_PERSIST = 6 * HOUR;
const PERSISTENT_SHARE = 0.5;
/** CUSUM: reference (scales) and clip of a standardized residual. */
const CUSUM_K = 1;
/**
 * CUSUM tails are priced 1.5 times heavier than their i.i.d.-normal law (P(S ≥ s) ≈ 2e^(−θs/1.5)):
 * residuals of a real baseline are never quite independent nor quite normal, and a sudden change is
 * the point test's job anyway; the CUSUMs are for the slow and the small.
 */
const CUSUM_MISFIT = 1.5;
const CUSUM_CLIP = 3;
/** Variance CUSUM on |z| (half-normal: mean 0.798, sd 0.603) with reference 0.5 sd. */
const ABS_MEAN = Math.sqrt(2 / Math.PI);
const ABS_SD = Math.sqrt(1 - 2 / Math.PI);
const VAR_K = 1;
/** Down: a larger reference, so that a scale estimated somewhat high does not read as a flatline. */
const VAR_DOWN_K = 1;
const VAR_CLIP = 4;
/** A level is an established regime once the device spent this share of its recent time there. */
const MODE_SHARE = 0.05;
const MODES = 4;
/** Datapoints before regimes, variance and relation components speak. */
const WARMUP = 8;
const RELATION_WARMUP = 24;
/** A series repeating its previous value more often than this is quantized: flatness is normal for it. */
const QUANTIZED_REPEATS = 0.2;
const YOUNG_MODEL_MS = 3 * DAY;
const WEEK_MS = 7 * DAY;
/** Largest lag-1 autocorrelation of residuals the CUSUMs allow for (their increments shrink by √((1−ρ)/(1+ρ))). */
const MAX_RHO = 0.75;
/** A count repeating its previous value less often than this does change (its quantization matters). */
const VARIED_REPEATS = 0.97;

/**
 * Stationary tail rate θ of a CUSUM statistic with i.i.d. increments d: P(S ≥ s) ≈ e^(−θ s), θ > 0
 * solving E[e^(θ d)] = 1 (Cramér–Lundberg). Computed once by quadrature under the standard normal.
 */
function tailRate(increment: (z: number) => number): number {
  const mgf = (theta: number): number => {
    let sum = 0;
    let weight = 0;
    for (let z = -8; z <= 8; z += 0.01) {
      const w = Math.exp(-0.5 * z * z);
      sum += w * Math.exp(theta * increment(z));
      weight += w;
    }
    return sum / weight;
  };
  let lo = 1e-3;
  let hi = 20;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (mgf(mid) > 1) hi = mid;
    else lo = mid;
  }
  return lo;
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
const LEVEL_THETA = tailRate((z) => clamp(z, -CUSUM_CLIP, CUSUM_CLIP) - CUSUM_K);
const VAR_UP_THETA = tailRate((z) => (Math.min(Math.abs(z), VAR_CLIP) - ABS_MEAN) / ABS_SD - VAR_K);
const VAR_DOWN_THETA = tailRate((z) => (ABS_MEAN - Math.abs(z)) / ABS_SD - VAR_DOWN_K);
const LOG10_2 = Math.log10(2);


/** Learning rate of the scales: a time constant, faster while the stream is young (prior pseudo-datapoints). */
const aScaleOf = (dt: number, n: number): number => Math.max(-Math.expm1(-dt / TAU_SCALE), 1 / (n + 1 + PRIOR_SCALE_POINTS));

/** One relation: the log ratio of this metric to a peer metric of the same device. */
class Relation {
  readonly tail = residualTail();
  readonly cusum = cusumTail(LEVEL_THETA / CUSUM_MISFIT);
  n = 0;
  level = 0;
  absDev = 0.1;
  up = 0;
  down = 0;
  lastTime = 0;
}

/**
 * The streaming detector of one device's metric (docs/ml.md). A robust seasonal baseline — a level
 * per normal regime, the seasonal profile of the detected period with its longer cycle, a trend —
 * learns online with bounded influence (clipped residuals; anomalous datapoints weigh a tenth). On
 * its standardized residuals an ensemble of tests each gives a p-value: point (two-sided, empirical
 * tail), level CUSUM (up and down), drift (online level against the trained one), variance CUSUM (up and down), flatline (a value stuck), count
 * tail for sparse counters, log ratio to peer metrics (point and CUSUM), optionally a random cut
 * forest; the Cauchy combination of those p-values is the datapoint's p, its score −log10(p)/12.
 * A missing report is scored by the law of gaps between reports (silence). Every datapoint gets a
 * score from the first on; a device with little history leans on its prior (the fleet's).
 */
export class StreamDetector {
  n = 0;
  lastTime = Number.NaN;
  cadence: number;
  /** log10 p of the last datapoint (or missing report), and its score. */
  lastLog10p = 0;
  lastScore = 0;
  /** Missing reports already scored since the last datapoint. */
  private missingScored = 0;
  lastZ = 0;
  private prior: DetectorPrior;
  private readonly parts: DetectorParts;
  private slope: number;
  private readonly modeLevel = new Float64Array(MODES);
  private readonly modeWeight = new Float64Array(MODES);
  private mode = 0;
  private absDev: number;
  private levelVar: number;
  private seasonPeriod = 0;
  private profile: Float64Array | undefined;
  private profileVisits: Float64Array | undefined;
  private cycles: Float64Array | undefined;
  private levelUp = 0;
  private levelDown = 0;
  private varUp = 0;
  private varDown = 0;
  private arCross = 0.2;
  private arSquare = 1;
  private prevZ = 0;
  private sparseSum = 0;
  private sparseN = 0;
  /** Decayed count of nonzero datapoints and of their sizes beyond 1 (sparse counters). */
  private events = 0;
  private eventExcess = 0;
  private integers = true;
  private lastValue = Number.NaN;
  private run = 0;
  private repeats = 0.1;
  private repeatN = 10;
  private readonly tail: EmpiricalTail;
  private readonly levelTail = cusumTail(LEVEL_THETA / CUSUM_MISFIT);
  /** The trained level of the main regime and when it held: the reference of the drift test. */
  private reference: { readonly level: number; readonly at: number } | undefined;
  private driftVar = 0;
  private driftN = 0;
  private driftZ = Number.NaN;
  private readonly driftTail = residualTail();
  private readonly varTail = cusumTail(1 / CUSUM_MISFIT);
  private readonly gaps = new Float64Array(GAP_EDGES.length);
  private gapTotal = 0;
  private relations: Relation[] = [];
  private readonly forest: RandomCutForest | undefined;
  private readonly forestCalibration = new ScoreCalibrator();
  private readonly log10p = new Float64Array(16);
  private count = 0;
  /** Decayed share of recent datapoints that were anomalous. */
  private anomalyShare = 0;

  constructor(prior: DetectorPrior = GENERIC_PRIOR, parts: DetectorParts = FULL_ENSEMBLE) {
    this.prior = prior;
    this.parts = parts;
    this.cadence = prior.cadenceMs;
    this.slope = prior.slopePerDay / DAY;
    this.modeLevel[0] = prior.level;
    this.modeWeight[0] = TAU_MODE;
    this.adoptRegimes(prior.regimes, Math.max(SCALE_FLOOR, prior.scale));
    this.absDev = Math.max(SCALE_FLOOR, prior.scale) / 1.2533;
    this.levelVar = prior.n > 0 ? (prior.scale * prior.scale) / Math.max(1, Math.min(prior.n, 200)) : prior.levelSpread * prior.levelSpread;
    this.tail = residualTail(prior.tail);
    this.tail.setPrior(prior.tail, prior.cadenceMs);
    this.setReference(prior);
    this.levelTail.weighFor(prior.cadenceMs);
    this.varTail.weighFor(prior.cadenceMs);
    this.adoptSeasonality(prior.seasonality);
    this.forest = parts.forest?.();
  }

  /**
   * Takes a newer model's view of this device: its seasonal structure, trend, regimes, residual tail
   * and law of gaps. The online level, scale and profile values are kept (they are more recent).
   */
  refresh(prior: DetectorPrior): void {
    const before = this.seasonPeriod;
    const firstOwn = this.prior.n === 0 && prior.n > 0;
    this.prior = { ...prior, level: this.prior.level, levelSpread: this.prior.levelSpread };
    if (firstOwn) {
      // The device's first own model: better than what the stream learned from a generic or fleet
      // prior, so its level and scale are taken, and statistics accumulated before are dropped.
      this.modeLevel[this.mode] = prior.level;
      this.absDev = Math.max(SCALE_FLOOR, prior.scale) / 1.2533;
      this.levelVar = (prior.scale * prior.scale) / Math.max(1, Math.min(prior.n, 200));
      this.levelUp = this.levelDown = this.varUp = this.varDown = 0;
    }
    // A model that saw too little data to confirm the stream's seasonality does not remove it.
    const confirmable = prior.n * prior.cadenceMs >= 3 * this.seasonPeriod;
    if (prior.seasonality !== undefined || confirmable) this.adoptSeasonality(prior.seasonality);
    if (this.seasonPeriod !== before && prior.n > 0) {
      // A new seasonal structure: the online levels and scale were measured without it. Regimes keep
      // their distances to the current one, which moves to the trained level.
      const shift = prior.level - (this.modeLevel[this.mode] as number);
      for (let i = 0; i < MODES; i++) this.modeLevel[i] = (this.modeLevel[i] as number) + shift;
      this.absDev = Math.max(SCALE_FLOOR, prior.scale) / 1.2533;
      this.levelUp = this.levelDown = this.varUp = this.varDown = 0;
    }
    this.adoptRegimes(prior.regimes, this.scale());
    this.slope = prior.slopePerDay / DAY;
    this.tail.setPrior(prior.tail, prior.cadenceMs);
    this.setReference(prior);
    this.levelTail.weighFor(prior.cadenceMs);
    this.varTail.weighFor(prior.cadenceMs);
  }

  /** A device's own trained level becomes the drift test's reference (its spread starts at a quarter of the scale). */
  private setReference(prior: DetectorPrior): void {
    if (prior.n <= 0 || prior.levelAt === undefined) return;
    this.reference = { level: prior.level, at: prior.levelAt };
    if (this.driftN === 0) this.driftVar = (DRIFT_SPREAD * Math.max(SCALE_FLOOR, prior.scale)) ** 2;
  }

  private adoptSeasonality(s: Seasonality | undefined): void {
    if (s === undefined) {
      this.seasonPeriod = 0;
      this.profile = undefined;
      this.profileVisits = undefined;
      this.cycles = undefined;
      return;
    }
    if (this.profile !== undefined && Math.abs(s.periodMs - this.seasonPeriod) < 1 && this.profile.length === s.profile.length) {
      if (s.cycles === undefined) this.cycles = undefined;
      else if (this.cycles?.length !== s.cycles.length) this.cycles = Float64Array.from(s.cycles);
      return;
    }
    this.seasonPeriod = s.periodMs;
    this.profile = Float64Array.from(s.profile);
    this.profileVisits = new Float64Array(s.profile.length).fill(4);
    this.cycles = s.cycles === undefined ? undefined : Float64Array.from(s.cycles);
  }

  /** Trained regimes the stream does not know yet take a slot with their share of time. */
  private adoptRegimes(regimes: DetectorPrior['regimes'], sigma: number): void {
    if (regimes === undefined) return;
    for (const [level, share] of regimes) {
      let known = false;
      for (let i = 0; i < MODES; i++) if ((this.modeWeight[i] as number) > 0 && Math.abs((this.modeLevel[i] as number) - level) <= 3 * sigma) known = true;
      if (known || Number.isNaN(this.modeLevel[0])) continue;
      let slot = 1;
      for (let i = 2; i < MODES; i++) if ((this.modeWeight[i] as number) < (this.modeWeight[slot] as number)) slot = i;
      this.modeLevel[slot] = level;
      this.modeWeight[slot] = share * TAU_MODE;
    }
  }

  private scale(): number {
    const s = 1.2533 * this.absDev;
    const floor = this.floor();
    return s < floor ? floor : s;
  }

  /**
   * The smallest scale: SCALE_FLOOR, or for a count that does change, half the step between two
   * consecutive integers at its level (1 → 2 messages is a step of log 1.5, not a 20-sigma event).
   * A count that never changed keeps the small floor: its first change is news.
   */
  private floor(): number {
    if (!this.integers || this.n < WARMUP || this.repeats / this.repeatN > VARIED_REPEATS) return SCALE_FLOOR;
    const k = Math.max(0, Math.round(Math.expm1(this.modeLevel[this.mode] as number)));
    const half = 0.5 * Math.log((k + 2) / (k + 1));
    return half > SCALE_FLOOR ? half : SCALE_FLOOR;
  }

  private seasonal(time: number): number {
    const profile = this.profile;
    if (profile === undefined) return 0;
    let s = profileAt(profile, phaseOf(time, this.seasonPeriod, profile.length));
    const cycles = this.cycles;
    if (cycles !== undefined) s += cycles[cycleOf(time, this.seasonPeriod, cycles.length)] as number;
    return s;
  }

  /** Scores one datapoint (value raw; peers raw, NaN when absent) and learns from it. Returns the score in [0, 1]. */
  observe(time: number, value: number, peers?: ArrayLike<number>): number {
    const x = transform(value);
    const first = this.n === 0;
    const dt = first ? this.cadence : Math.max(0, time - this.lastTime);
    if (!first) this.arrival(dt);
    if (this.integers && !Number.isInteger(value)) this.integers = false;
    const repeated = value === this.lastValue;
    this.run = repeated ? this.run + 1 : 0;

    if (!first && dt > 0) {
      const drift = this.slope * dt;
      for (let i = 0; i < MODES; i++) this.modeLevel[i] = (this.modeLevel[i] as number) + drift;
    }
    const y = x - this.seasonal(time);
    if (Number.isNaN(this.modeLevel[0])) this.modeLevel[0] = y;

    const sigma = this.scale();
    const nearest = this.nearestRegime(y, first ? 1 : Math.exp(-dt / TAU_MODE));
    const level = this.modeLevel[nearest] as number;
    const r = y - level;
    const predictive = Math.sqrt(sigma * sigma + this.levelVar);
    const z = r / predictive;
    this.lastZ = z;

    const lp = this.log10p;
    let count = 0;
    const warm = this.n >= WARMUP;
    const repeatRate = this.repeats / this.repeatN;
    if (this.parts.point) lp[count++] = first && Number.isNaN(this.prior.level) ? 0 : this.pointLog10p(z, value, warm);
    const arFactor = this.arFactor();
    if (this.parts.level && warm) {
      const u = clamp(z, -CUSUM_CLIP, CUSUM_CLIP) / arFactor;
      this.levelUp = Math.max(0, this.levelUp + u - CUSUM_K);
      this.levelDown = Math.max(0, this.levelDown - u - CUSUM_K);
      lp[count++] = this.levelTail.log10p(Math.max(this.levelUp, this.levelDown));
    }
    this.driftZ = Number.NaN;
    const reference = this.reference;
    // Not for counts that sit on a few values (sparse counters, small gauges): their level moves in quanta.
    if (this.parts.level && warm && reference !== undefined && nearest === 0 && repeatRate < QUANTIZED_REPEATS) {
      // Drift: the online level against the trained one (extrapolated by the trained trend). The
      // online level follows a slow drift; the level trained on two weeks does not.
      this.driftZ = (level - reference.level - this.slope * (time - reference.at)) / Math.sqrt(this.driftVar);
      lp[count++] = this.driftTail.log10p(Math.abs(this.driftZ));
    }
    if (this.parts.variance && warm) {
      // Against the scale alone: the level's uncertainty is not noise.
      const w = (Math.min(Math.abs(r / sigma), VAR_CLIP) - ABS_MEAN) / ABS_SD;
      this.varUp = Math.max(0, this.varUp + w / arFactor - VAR_K);
      // A quantized or floor-level series cannot be told flatter than it is.
      this.varDown = repeatRate < QUANTIZED_REPEATS && sigma > 2 * SCALE_FLOOR ? Math.max(0, this.varDown - w / arFactor - VAR_DOWN_K) : 0;
      lp[count++] = this.varTail.log10p(Math.max(VAR_UP_THETA * this.varUp, VAR_DOWN_THETA * this.varDown)) + LOG10_2;
    }
    if (this.parts.flatline && warm && this.run >= 2) {
      // A value stuck: `run` repeats in a row where each repeat has probability `repeatRate`.
      lp[count++] = this.run * Math.log10(Math.max(1e-3, repeatRate));
    }
    if (this.parts.relation && peers !== undefined && value > 0) {
      for (let j = 0; j < peers.length; j++) {
        const peer = peers[j] as number;
        if (!(peer > 0)) continue;
        const rel = (this.relations[j] ??= new Relation());
        lp[count++] = this.relate(rel, x - transform(peer), time, 1 / (peer + 1) + 1 / (value + 1));
      }
    }
    const forest = this.forest;
    if (forest !== undefined) {
      const raw = forest.update(r / sigma);
      lp[count++] = raw === undefined ? 0 : this.forestCalibration.observe(raw);
    }
    this.count = count;
    let combined = count === 0 ? 0 : count === 1 ? (lp[0] as number) : cauchyCombineLog10(lp, count);
    // A baseline of less than three days knows no daily pattern yet: its p-values are taken ten times
    // less seriously; one that has not covered a week knows no weekly pattern: √10 times.
    const history = this.prior.n * this.prior.cadenceMs;
    if (history < YOUNG_MODEL_MS) combined = Math.min(0, combined + 1);
    else if (history < WEEK_MS) combined = Math.min(0, combined + 0.5);
    this.lastLog10p = combined;

    this.learn(time, dt, value, y, nearest, r, z, predictive, sigma, combined, repeated, first);
    this.missingScored = 0;
    this.lastScore = scoreOfLog10P(combined);
    return this.lastScore;
  }

  /** The regime a datapoint belongs to: the nearest established level (weights decayed by `decay` first). */
  private nearestRegime(y: number, decay: number): number {
    let total = 0;
    for (let i = 0; i < MODES; i++) total += this.modeWeight[i] = (this.modeWeight[i] as number) * decay;
    let nearest = this.mode;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < MODES; i++) {
      if ((this.modeWeight[i] as number) < MODE_SHARE * total && !(i === 0 && this.n < WARMUP)) continue;
      const d = Math.abs(y - (this.modeLevel[i] as number));
      if (d < best) {
        best = d;
        nearest = i;
      }
    }
    if (nearest !== this.mode) {
      this.mode = nearest;
      this.levelUp = 0;
      this.levelDown = 0;
    }
    return nearest;
  }

  private pointLog10p(z: number, value: number, warm: boolean): number {
    const mean = this.sparseN > 0 ? this.sparseSum / this.sparseN : 0;
    if (!(this.integers && mean < 1 && warm)) return this.tail.log10p(z < 0 ? -z : z);
    // A sparse counter (mostly zeros): events at a rate, each of a size. P(X ≥ x) = rate × P(size ≥ x),
    // sizes geometric over their own history (half a pseudo-event of size 1.5 as prior): a 2 where
    // 1s and 2s happen is normal, a burst of 15 where events are 1 or 2 is not.
    if (value < 1) return 0;
    const rate = (this.events + 0.5) / (this.sparseN + 1);
    const excess = (this.eventExcess + 0.25) / (this.events + 0.5);
    const ratio = excess / (1 + excess);
    return Math.min(0, Math.log10(rate) + (value - 1) * Math.log10(ratio));
  }

  /** Online updates, with bounded influence: clipped residuals, and a tenth of the weight for anomalous datapoints. */
  private learn(time: number, dt: number, value: number, y: number, nearest: number, r: number, z: number, predictive: number, sigma: number, combined: number, repeated: boolean, first: boolean): void {
    const anomalous = combined < ANOMALY_LOG10P;
    const aPersist = first ? 0 : -Math.expm1(-dt / TAU_PERSIST);
    this.anomalyShare += aPersist * ((anomalous ? 1 : 0) - this.anomalyShare);
    // The tails never learn anomalies at full weight (their bar must not rise); the baseline does once they persist.
    const tailWeight = anomalous ? ANOMALY_WEIGHT : 1;
    const weight = anomalous && this.anomalyShare < PERSISTENT_SHARE ? ANOMALY_WEIGHT : 1;
    const rc = clamp(r, -HUBER * predictive, HUBER * predictive);
    const young = this.n < WARMUP;
    const level = this.modeLevel[nearest] as number;
    // Once an anomaly persists (a new normal), the level follows it unclipped; before, residuals are clipped.
    const a = Math.max(first ? 1 : -Math.expm1(-dt / TAU_LEVEL), 1 / (this.n + 1)) * weight;
    this.modeLevel[nearest] = level + a * (young || (anomalous && weight === 1) ? r : rc);
    this.modeWeight[nearest] = (this.modeWeight[nearest] as number) + dt;
    const aScale = aScaleOf(dt, this.n) * weight;
    this.absDev += aScale * (Math.min(Math.abs(r), 4 * predictive) - this.absDev);
    if (this.prior.n > 0 || this.n > 0) this.levelVar = Math.min(this.levelVar, (sigma * sigma) / Math.max(1, Math.min(this.n + 1, TAU_LEVEL / Math.max(this.cadence, 1))));
    if (this.profile !== undefined && !young) this.learnSeason(time, rc, weight);
    const keep = first ? 1 : Math.exp(-dt / TAU_TAIL);
    this.tail.learn(Math.abs(z), keep, tailWeight);
    if (!young) {
      this.levelTail.learn(Math.max(this.levelUp, this.levelDown), keep, tailWeight);
      this.varTail.learn(Math.max(VAR_UP_THETA * this.varUp, VAR_DOWN_THETA * this.varDown), keep, tailWeight);
    }
    if (!Number.isNaN(this.driftZ)) {
      const d2 = this.driftZ * this.driftZ * this.driftVar;
      const aDrift = Math.max(-Math.expm1(-dt / TAU_DRIFT), 1 / (++this.driftN + DRIFT_PRIOR_POINTS)) * tailWeight;
      this.driftVar += aDrift * (Math.min(d2, 16 * this.driftVar) - this.driftVar);
      this.driftTail.learn(Math.abs(this.driftZ), keep, tailWeight);
    }
    if (!young || first) {
      const aAr = -Math.expm1(-dt / TAU_AR);
      const zc = clamp(z, -CUSUM_CLIP, CUSUM_CLIP);
      this.arCross += aAr * tailWeight * (zc * this.prevZ - this.arCross);
      this.arSquare += aAr * tailWeight * (zc * zc - this.arSquare);
      this.prevZ = zc;
    }
    const keepSparse = Math.exp(-dt / TAU_SPARSE);
    this.sparseSum = this.sparseSum * keepSparse + value * weight;
    this.sparseN = this.sparseN * keepSparse + 1;
    this.events *= keepSparse;
    this.eventExcess *= keepSparse;
    if (value >= 1) {
      this.events += weight;
      this.eventExcess += weight * (value - 1);
    }
    if (!first) {
      this.repeats = this.repeats * keepSparse + (repeated ? weight : 0);
      this.repeatN = this.repeatN * keepSparse + weight;
    }
    this.lastValue = value;
    this.n++;
    this.lastTime = time;
  }

  /**
   * Scores the silence at `time` since the last report: after m missing reports, P(gap ≥ m) under
   * the device's law of gaps. Returns the score, or undefined before the first report.
   */
  missing(time: number): number | undefined {
    if (this.n === 0 || !this.parts.silence) return undefined;
    const m = Math.floor((time - this.lastTime) / this.cadence - 0.5) + 1;
    if (m < 2) return 0;
    const prior = this.prior.gapTail;
    const tail = gapTail(this.gaps, this.gapTotal, m, prior === undefined ? defaultGapTail : (k) => priorTail(prior, k));
    this.lastLog10p = Math.log10(Math.max(tail, 1e-300));
    this.lastScore = scoreOfLog10P(this.lastLog10p);
    return this.lastScore;
  }

  /**
   * For an engine that checks on a timer: scores the silence at `now` once per newly missing report,
   * undefined when no report became overdue since the last call (or before the first datapoint).
   */
  overdue(now: number): number | undefined {
    if (this.n === 0 || !this.parts.silence) return undefined;
    const m = Math.floor((now - this.lastTime) / this.cadence - 0.5) + 1;
    if (m < 2 || m <= this.missingScored) return undefined;
    this.missingScored = m;
    return this.missing(now);
  }

  /** When the next report is late enough to be scored as missing (`missing` gives 0 before). */
  get dueAt(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.lastTime + 1.5 * this.cadence;
  }

  private arrival(dt: number): void {
    const slots = Math.max(1, Math.round(dt / this.cadence));
    const keep = Math.exp(-dt / TAU_GAPS);
    for (let i = 0; i < GAP_EDGES.length; i++) this.gaps[i] = (this.gaps[i] as number) * keep;
    const bin = gapBin(slots);
    this.gaps[bin] = (this.gaps[bin] as number) + 1;
    this.gapTotal = this.gapTotal * keep + 1;
    if (dt > 0.5 * this.cadence && dt < 1.5 * this.cadence) this.cadence = Math.exp(Math.log(this.cadence) + 0.05 * (Math.log(dt) - Math.log(this.cadence)));
    else if (this.n < WARMUP && dt > 0 && this.prior.n === 0) this.cadence = dt;
  }

  private arFactor(): number {
    const rho = clamp(this.arCross / Math.max(1e-9, this.arSquare), 0, MAX_RHO);
    return Math.sqrt((1 + rho) / (1 - rho));
  }

  private learnSeason(time: number, rc: number, weight: number): void {
    const profile = this.profile as Float64Array;
    const visits = this.profileVisits as Float64Array;
    const bins = profile.length;
    const pos = phaseOf(time, this.seasonPeriod, bins) - 0.5;
    const i0 = Math.floor(pos);
    const f = pos - i0;
    const a = i0 < 0 ? bins - 1 : i0;
    const b = a + 1 === bins ? 0 : a + 1;
    // Per datapoint, so that a bin remembers about SEASON_MEMORY_PERIODS periods at any cadence.
    const perBin = this.seasonPeriod / Math.max(1, this.cadence) / bins;
    const base = 1 / (SEASON_MEMORY_PERIODS * Math.max(1, perBin));
    const aa = Math.max(base, 1 / ((visits[a] as number) + 1)) * weight;
    const ab = Math.max(base, 1 / ((visits[b] as number) + 1)) * weight;
    profile[a] = (profile[a] as number) + aa * (1 - f) * rc;
    profile[b] = (profile[b] as number) + ab * f * rc;
    visits[a] = (visits[a] as number) + (1 - f);
    visits[b] = (visits[b] as number) + f;
    const cycles = this.cycles;
    if (cycles !== undefined) {
      const c = cycleOf(time, this.seasonPeriod, cycles.length);
      cycles[c] = (cycles[c] as number) + (base / bins) * rc * weight;
    }
  }

  /** `countVariance`: the variance a count's own randomness adds to a log ratio (≈ 1/count each). */
  private relate(rel: Relation, d: number, time: number, countVariance: number): number {
    const dt = rel.n === 0 ? 0 : Math.max(0, time - rel.lastTime);
    rel.lastTime = time;
    if (rel.n === 0) {
      rel.level = d;
      rel.n = 1;
      return 0;
    }
    const own = Math.max(SCALE_FLOOR, 1.2533 * rel.absDev);
    const sigma = Math.sqrt(own * own * (1 + 1 / rel.n) + countVariance);
    const r = d - rel.level;
    const z = r / sigma;
    let lp = 0;
    if (rel.n >= RELATION_WARMUP) {
      const u = clamp(z, -CUSUM_CLIP, CUSUM_CLIP);
      rel.up = Math.max(0, rel.up + u - CUSUM_K);
      rel.down = Math.max(0, rel.down - u - CUSUM_K);
      lp = Math.min(rel.tail.log10p(Math.abs(z)), rel.cusum.log10p(Math.max(rel.up, rel.down))) + LOG10_2;
    }
    const weight = lp < ANOMALY_LOG10P ? ANOMALY_WEIGHT : 1;
    if (rel.n >= RELATION_WARMUP) {
      const keep = Math.exp(-dt / TAU_TAIL);
      rel.tail.learn(Math.abs(z), keep, weight);
      rel.cusum.learn(Math.max(rel.up, rel.down), keep, weight);
    }
    const a = Math.max(-Math.expm1(-dt / TAU_RELATION), 1 / (rel.n + 1)) * weight;
    rel.level += a * clamp(r, -HUBER * sigma, HUBER * sigma);
    const as = Math.max(-Math.expm1(-dt / TAU_SCALE), 1 / (rel.n + PRIOR_SCALE_POINTS)) * weight;
    rel.absDev += as * (Math.min(Math.abs(r), 4 * sigma) - rel.absDev);
    rel.n++;
    return Math.min(0, lp);
  }

  /** log10 p of each component of the last datapoint, in order: point, level, drift, variance, flatline, relations, forest. */
  components(): number[] {
    return Array.from(this.log10p.subarray(0, this.count));
  }

  /** Internal state, for diagnostics. */
  debug(): Record<string, unknown> {
    return { n: this.n, scale: this.scale(), levelVar: this.levelVar, modes: Array.from(this.modeLevel, (l, i) => [Math.round(l * 100) / 100, Math.round((this.modeWeight[i] as number) / 3.6e6)]), mode: this.mode, period: this.seasonPeriod / 3.6e6, cycles: this.cycles?.length, ar: this.arFactor(), cadence: this.cadence, repeat: this.repeats / this.repeatN };
  }
}

/** The prior tail P(gap ≥ m) from the fleet's tail at the bin edges (log-linear between edges). */
function priorTail(tail: readonly number[], m: number): number {
  const b = gapBin(m);
  const lo = GAP_EDGES[b] as number;
  const at = tail[b] ?? 0;
  if (b + 1 >= GAP_EDGES.length) return Math.min(at, defaultGapTail(m));
  const hi = GAP_EDGES[b + 1] as number;
  const next = tail[b + 1] ?? 0;
  const f = (m - lo) / (hi - lo);
  const value = at <= 0 || next <= 0 ? at * (1 - f) : Math.exp(Math.log(at) * (1 - f) + Math.log(next) * f);
  return Math.max(value, defaultGapTail(m) * 1e-3);
}
