/** Summary statistics over seeds: mean and the half-width of the 95 % Student-t confidence interval. */

/** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t_{0.975, df}; above 30 degrees of freedom the Cornish-Fisher expansion (error < 1e-4). */
export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= 30) return T975[df - 1]!;
  const z = 1.959963984540054;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

export interface Interval {
  n: number;
  mean: number;
  /** Half-width of the 95 % interval (NaN with fewer than two values). */
  half: number;
}

export function meanInterval(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) return { n, mean: Number.NaN, half: Number.NaN };
  let s = 0;
  for (const v of values) s += v;
  const mean = s / n;
  if (n < 2) return { n, mean, half: Number.NaN };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const sd = Math.sqrt(ss / (n - 1));
  return { n, mean, half: (tQuantile975(n - 1) * sd) / Math.sqrt(n) };
}
