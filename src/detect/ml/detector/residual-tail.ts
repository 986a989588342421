/** P(|Z| ≥ 2), P(|Z| ≥ 3), P(|Z| ≥ 4) of a standard normal: the default shape of a residual tail. */
export const GAUSSIAN_TAIL: readonly [number, number, number] = [0.0455, 0.0027, 6.334e-5];
export const RESIDUAL_KNOTS: readonly [number, number, number] = [2, 3, 4];

/** Weight of the prior tail: two days of datapoints, at least 100. */
const PRIOR_MS = 2 * 86_400_000;
const MIN_PRIOR_POINTS = 100;
const LN10 = Math.LN10;

/**
 * The upper tail of a test statistic learned online, peaks-over-thresholds style (Pickands 1975;
 * Siffer et al., "Anomaly Detection in Streams with Extreme Value Theory", KDD 2017, with the
 * exponential shape): decayed shares of the statistic beyond three knots, mixed with a prior (the
 * statistic's law under the model, or the fleet's pooled shares), log-linear between the knots and
 * exponential beyond the last at the rate the last two show (bounded). The shares are quantiles of
 * the bulk, never the largest value seen: a past incident (learned at a tenth of the weight) moves
 * the bar a little and never above itself, so a repeat still alarms.
 */
export class EmpiricalTail {
  private readonly over = [0, 0, 0];
  private count = 0;
  private readonly logs = [0, 0, 0];
  private rate: number;
  private stale = 0;
  private priorPoints = 500;

  constructor(
    private readonly knots: readonly [number, number, number],
    private prior: readonly [number, number, number],
    private readonly minRate: number,
    private readonly maxRate: number,
  ) {
    this.rate = maxRate;
    this.refresh();
  }

  /** A newer prior (the fleet's shares from the latest model), weighing two days of datapoints at `cadenceMs`. */
  setPrior(prior: readonly [number, number, number], cadenceMs: number): void {
    this.prior = prior;
    this.weighFor(cadenceMs);
  }

  /** The prior weighs two days of datapoints at this cadence (at least 100). */
  weighFor(cadenceMs: number): void {
    if (cadenceMs > 0) this.priorPoints = Math.max(MIN_PRIOR_POINTS, PRIOR_MS / cadenceMs);
    this.refresh();
  }

  /** log10 P(S ≥ s). */
  log10p(s: number): number {
    const [k0, k1, k2] = this.knots;
    const [l0, l1, l2] = this.logs as [number, number, number];
    if (s <= k0) return s <= 0 ? 0 : (l0 * s) / k0;
    if (s <= k1) return l0 + ((l1 - l0) * (s - k0)) / (k1 - k0);
    if (s <= k2) return l1 + ((l2 - l1) * (s - k1)) / (k2 - k1);
    return l2 - (this.rate * (s - k2)) / LN10;
  }

  /** Learns a value: `keep` is the decay of older ones (e^(−Δt/τ)), `weight` its own weight. */
  learn(s: number, keep: number, weight: number): void {
    const over = this.over;
    const knots = this.knots;
    for (let i = 0; i < 3; i++) over[i] = (over[i] as number) * keep + (s >= (knots[i] as number) ? weight : 0);
    this.count = this.count * keep + weight;
    // The shares move slowly: recomputing their logarithms every 8 datapoints is plenty.
    if (++this.stale >= 8 || s >= knots[1]) this.refresh();
  }

  private refresh(): void {
    this.stale = 0;
    const total = this.count + this.priorPoints;
    let previous = 0.5;
    for (let i = 0; i < 3; i++) {
      const share = Math.min(previous, ((this.over[i] as number) + this.priorPoints * (this.prior[i] as number)) / total);
      this.logs[i] = Math.log10(share);
      previous = share;
    }
    const rate = (((this.logs[1] as number) - (this.logs[2] as number)) * LN10) / (this.knots[2] - this.knots[1]);
    this.rate = rate < this.minRate ? this.minRate : rate > this.maxRate ? this.maxRate : rate;
  }
}

/** The tail of |z| of standardized residuals: Gaussian prior, exponential beyond 4 at a rate in [1.5, 4.5]. */
export function residualTail(prior: readonly [number, number, number] = GAUSSIAN_TAIL): EmpiricalTail {
  return new EmpiricalTail(RESIDUAL_KNOTS, prior, 1.5, 4.5);
}

/**
 * The tail of a CUSUM statistic whose model law is P(S ≥ s) ≈ 2·e^(−θ s): knots at 2/θ, 4/θ, 6/θ,
 * exponential beyond at a rate in [θ/2, θ].
 */
export function cusumTail(theta: number): EmpiricalTail {
  return new EmpiricalTail([2 / theta, 4 / theta, 6 / theta], [2 * Math.exp(-2), 2 * Math.exp(-4), 2 * Math.exp(-6)], theta / 2, theta);
}

/** Shares of |z| beyond 2, 3 and 4 in a sample of standardized residuals (the normal law's below 500 of them, and as a floor). */
export function tailShares(residuals: ArrayLike<number>): [number, number, number] {
  const n = residuals.length;
  if (n < 500) return [...GAUSSIAN_TAIL];
  let o2 = 0;
  let o3 = 0;
  let o4 = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(residuals[i] as number);
    if (a >= 2) o2++;
    if (a >= 3) o3++;
    if (a >= 4) o4++;
  }
  const share = (k: number, floor: number): number => Number(Math.max(floor, k / n).toPrecision(4));
  return [share(o2, GAUSSIAN_TAIL[0]), share(o3, GAUSSIAN_TAIL[1]), share(o4, GAUSSIAN_TAIL[2])];
}
