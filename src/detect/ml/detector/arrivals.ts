/**
 * When reports arrive: the cadence and the law of gaps between reports, in cadence units, kept as
 * decayed counts over bins. A device that stops reporting becomes a scored event: after m missing
 * reports, P(gap ≥ m) under this law (docs/ml.md, "silence").
 */

/** Lower edges of the gap bins, in reports (1 = on time). */
export const GAP_EDGES: readonly number[] = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256];
/** Pareto exponent of the tail beyond the longest gap seen: a gap twice as long is 2^6 times rarer. */
const TAIL_EXPONENT = 6;
/** Weight of the prior law, in reports. */
const PRIOR_REPORTS = 100;

/** The default prior: a report is missed 2 % of the time, longer gaps fall off as m^−6. */
export function defaultGapTail(m: number): number {
  return m <= 1 ? 1 : Math.min(1, 0.02 * (2 / m) ** TAIL_EXPONENT);
}

export function gapBin(m: number): number {
  let b = 0;
  while (b + 1 < GAP_EDGES.length && m >= (GAP_EDGES[b + 1] as number)) b++;
  return b;
}

/**
 * P(gap ≥ m) from decayed bin counts (`counts[i]` = gaps in bin i, `total` = their sum), mixed with a
 * prior tail of weight 100 reports; beyond the longest gap seen the empirical tail falls as m^−6.
 */
export function gapTail(counts: ArrayLike<number>, total: number, m: number, prior: (m: number) => number): number {
  if (m <= 1) return 1;
  let empirical = 0;
  if (total > 0) {
    // Gaps ≥ edge of m's bin, and the largest edge ≤ m with any gap at or beyond it.
    const bin = gapBin(m);
    let at = 0;
    for (let i = bin; i < GAP_EDGES.length; i++) at += counts[i] as number;
    if (at > 1e-9) empirical = (at / total) * ((GAP_EDGES[bin] as number) / m) ** TAIL_EXPONENT;
    else {
      let j = bin - 1;
      while (j > 0 && (counts[j] as number) <= 1e-9) j--;
      if (j > 0) {
        let beyond = 0;
        for (let i = j; i < GAP_EDGES.length; i++) beyond += counts[i] as number;
        const top = j + 1 < GAP_EDGES.length ? (GAP_EDGES[j + 1] as number) - 1 : (GAP_EDGES[j] as number);
        empirical = (beyond / total) * Math.min(1, (top / m) ** TAIL_EXPONENT);
      }
    }
  }
  return (total * empirical + PRIOR_REPORTS * prior(m)) / (total + PRIOR_REPORTS);
}
