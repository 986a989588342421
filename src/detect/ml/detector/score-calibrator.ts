/**
 * Calibrates a raw anomaly score whose law is unknown (a random cut forest's) into a tail
 * probability: a robust running centre and spread of log scores (updates clipped at 3 spreads,
 * anomalies learned at a tenth of the weight), and an exponential tail beyond one spread above the
 * centre. Quantile-like, never the maximum: a past incident does not lift the bar above itself.
 */
export class ScoreCalibrator {
  private center = 0;
  private spread = 0.5;
  private n = 0;

  constructor(private readonly warmup = 64, private readonly memory = 2000) {}

  /** log10 p of a raw score (0 during warm-up), then learns from it. */
  observe(raw: number): number {
    const s = Math.log(Math.max(raw, 1e-12));
    if (this.n === 0) this.center = s;
    const spread = Math.max(0.05, this.spread);
    const z = (s - this.center) / spread;
    const lp = this.n < this.warmup ? 0 : Math.min(0, -Math.max(0, z - 1) * 0.9 * Math.LOG10E);
    const a = Math.max(1 / (this.n + 1), 1 / this.memory) * (lp < -5 ? 0.1 : 1);
    const d = Math.max(-3 * spread, Math.min(3 * spread, s - this.center));
    this.center += a * d;
    this.spread += a * (Math.abs(d) - this.spread);
    this.n++;
    return lp;
  }
}
