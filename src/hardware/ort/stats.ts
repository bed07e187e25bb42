/**
 * Summary statistics of repeated latency samples: median, minimum, 90th percentile and the relative
 * spread IQR / median (a robust noise figure: one outlier run does not move it).
 */

export interface TimingSummary {
  medianMs: number;
  minMs: number;
  p90Ms: number;
  /** (Q3 - Q1) / median. */
  spread: number;
}

/** Quantile q in [0, 1] of ascending-sorted values, linear interpolation between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(samplesMs: ArrayLike<number>): TimingSummary {
  const s = Float64Array.from(samplesMs).sort();
  const median = quantileSorted(s, 0.5);
  return {
    medianMs: median,
    minMs: s.length > 0 ? s[0]! : Number.NaN,
    p90Ms: quantileSorted(s, 0.9),
    spread: median > 0 ? (quantileSorted(s, 0.75) - quantileSorted(s, 0.25)) / median : Number.NaN,
  };
}
