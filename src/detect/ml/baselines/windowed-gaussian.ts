import { log10NormalTail, scoreOfLog10P } from '../detector/math.js';

/** Window of the baseline, in datapoints (NAB's windowed Gaussian detector uses 1000). */
export const GAUSSIAN_WINDOW = 1000;

/**
 * The windowed Gaussian baseline (as in NAB): mean and standard deviation of the raw values of the
 * last 1000 datapoints; a datapoint's tail probability is the two-sided normal tail of its z-score
 * against the window before it.
 */
export class WindowedGaussian {
  private readonly window = new Float64Array(GAUSSIAN_WINDOW);
  private count = 0;
  private next = 0;
  private sum = 0;
  private sumSquares = 0;
  private sinceExact = 0;

  observe(value: number): number {
    let score = 0;
    if (this.count > 0) {
      const mean = this.sum / this.count;
      const variance = Math.max(0, this.sumSquares / this.count - mean * mean);
      const sd = Math.sqrt(variance) || 1e-6;
      score = scoreOfLog10P(Math.log10(2) + log10NormalTail(Math.abs(value - mean) / sd));
    }
    if (this.count === GAUSSIAN_WINDOW) {
      const old = this.window[this.next] as number;
      this.sum -= old;
      this.sumSquares -= old * old;
    } else this.count++;
    this.window[this.next] = value;
    this.next = (this.next + 1) % GAUSSIAN_WINDOW;
    this.sum += value;
    this.sumSquares += value * value;
    // Running sums drift with large values: recompute them exactly once per window.
    if (++this.sinceExact >= GAUSSIAN_WINDOW) {
      this.sinceExact = 0;
      this.sum = 0;
      this.sumSquares = 0;
      for (let i = 0; i < this.count; i++) {
        const v = this.window[i] as number;
        this.sum += v;
        this.sumSquares += v * v;
      }
    }
    return score;
  }
}
