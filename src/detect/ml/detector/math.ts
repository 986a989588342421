/** Numerical helpers of the streaming detector: tails, combination of p-values, medians, FFT. */

const SQRT2 = Math.SQRT2;
const LN10 = Math.LN10;
const SQRT_PI = Math.sqrt(Math.PI);

/** Complementary error function, relative accuracy ~1e-12 (Taylor series below 2, continued fraction above). */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / SQRT_PI) * sum;
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated from the tail.
  let f = x;
  for (let k = 40; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** log10 of the standard normal upper tail Q(z) = P(Z > z). */
export function log10NormalTail(z: number): number {
  if (z < 5) return Math.log10(0.5 * erfc(z / SQRT2));
  // Far tail without underflow: Q(z) = φ(z) / (z + 1/(z + 2/(z + 3/(z + …)))).
  let f = z;
  for (let k = 30; k >= 1; k--) f = z + k / f;
  return (-0.5 * z * z - Math.log(Math.sqrt(2 * Math.PI)) - Math.log(f)) / LN10;
}

/**
 * log10 of the two-sided tail P(|Z| ≥ z) of a "Gaussian core, exponential tails" law: Gaussian up to
 * `z0`, then decaying at the Gaussian hazard rate at z0 (the least favourable law of Huber's robust
 * estimation). Heavier than Gaussian beyond z0: noise with occasional outliers does not alarm.
 */
export function log10TwoSidedTail(z: number, z0: number, log10AtZ0: number): number {
  const a = Math.abs(z);
  if (a <= z0) return Math.LOG10E * Math.log(2) + log10NormalTail(a);
  return log10AtZ0 - (z0 * (a - z0)) / LN10;
}

/** log10 P(|Z| ≥ z0) for `log10TwoSidedTail`. */
export function twoSidedAt(z0: number): number {
  return Math.LOG10E * Math.log(2) + log10NormalTail(z0);
}

/** Lanczos approximation of ln Γ(x), x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const y = x - 1;
  let a = c[0] as number;
  const t = y + g + 0.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * log10 P(X ≥ x) for a negative binomial with shape `r` and mean `mean` (the predictive law of a
 * Poisson rate with a Gamma posterior): summed from x upward, so tiny tails keep their precision.
 */
export function log10NegBinUpperTail(x: number, r: number, mean: number): number {
  if (x <= 0) return 0;
  const q = mean / (r + mean); // failure probability per trial
  if (q <= 0) return -Infinity;
  const k0 = Math.ceil(x);
  const logPmf = lnGamma(k0 + r) - lnGamma(r) - lnGamma(k0 + 1) + r * Math.log(1 - q) + k0 * Math.log(q);
  // Σ_{k ≥ k0} pmf(k) / pmf(k0): ratios pmf(k+1)/pmf(k) = q (k + r) / (k + 1).
  let sum = 1;
  let term = 1;
  for (let k = k0; k < k0 + 2000; k++) {
    term *= (q * (k + r)) / (k + 1);
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return Math.min(0, (logPmf + Math.log(sum)) / LN10);
}

/**
 * Cauchy combination of p-values (Liu & Xie 2020): valid under arbitrary dependence between the
 * tests, dominated by the smallest p-values. `log10p` holds log10 of each p; returns log10 of the combined p.
 */
export function cauchyCombineLog10(log10p: ArrayLike<number>, count: number): number {
  let t = 0;
  for (let i = 0; i < count; i++) {
    const l = log10p[i] as number;
    if (l < -8) t += 1 / (Math.PI * 10 ** l);
    else {
      const p = 10 ** l;
      t += p >= 1 ? -1e6 : Math.tan((0.5 - p) * Math.PI);
    }
  }
  t /= count;
  if (t <= 0) return Math.log10(Math.min(1, 0.5 - Math.atan(t) / Math.PI));
  if (t > 1e8) return -Math.log10(Math.PI * t);
  return Math.log10(Math.atan(1 / t) / Math.PI);
}

/** Median of the first `n` values (reorders a copy; quickselect). */
export function medianOf(values: ArrayLike<number>, n = values.length): number {
  if (n === 0) return 0;
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = values[i] as number;
  const mid = n >> 1;
  const hi = select(a, mid);
  if (n % 2 === 1) return hi;
  let lo = -Infinity;
  for (let i = 0; i < mid; i++) if ((a[i] as number) > lo) lo = a[i] as number;
  return (lo + hi) / 2;
}

/** Median absolute deviation from `center`. */
export function madOf(values: ArrayLike<number>, center: number, n = values.length): number {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.abs((values[i] as number) - center);
  return medianOf(d);
}

/** The k-th smallest of the first `n` values (Hoare quickselect); partially reorders them. */
export function select(a: Float64Array, k: number, n = a.length): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/** In-place radix-2 FFT of (re, im); length a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i] as number;
      re[i] = re[j] as number;
      re[j] = t;
      t = im[i] as number;
      im[i] = im[j] as number;
      im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = (re[b] as number) * cr - (im[b] as number) * ci;
        const xi = (re[b] as number) * ci + (im[b] as number) * cr;
        re[b] = (re[a] as number) - xr;
        im[b] = (im[a] as number) - xi;
        re[a] = (re[a] as number) + xr;
        im[a] = (im[a] as number) + xi;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

/** Sign-preserving log1p: multiplicative changes (×10 bytes) weigh the same for a sensor and a camera. */
export function transform(value: number): number {
  return value >= 0 ? Math.log1p(value) : -Math.log1p(-value);
}

/** Anomaly score of a tail probability: `P(score ≥ s | normal) = 10^(−12 s)`, so s = −log10(p) / 12 in [0, 1]. */
export const SCORE_DECADES = 12;

export function scoreOfLog10P(log10p: number): number {
  const s = -log10p / SCORE_DECADES;
  return s <= 0 ? 0 : s >= 1 ? 1 : s;
}
