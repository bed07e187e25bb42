/**
 * `rng.nextFloat() < p` decided with `rng.nextInt(n) < t` instead: the same answer for every generator
 * output, but nextInt returns a small integer, while a double returned by a call V8 does not inline (hot
 * loops call more generator methods than its inlining budget holds) is boxed: one allocation per draw.
 *
 * nextFloat() < p  <=>  u < C with u the 32-bit output and C = ceil(p * 2^32). nextInt(n) computes
 * floor(fl(u / 2^32 * n)), monotone in u; it separates C - 1 from C at t = floor(C * n / 2^32) when
 * (C * n) mod 2^32 < n - 1024: then (C - 1) * n / 2^32 lies more than 1024 / 2^32 below t, more than the
 * rounding of fl (half an ulp below 2^30 is 2^-24), and C * n / 2^32 >= t. Such an n <= 2^30 (a small
 * integer result) exists for most p and is found by a short search; for the rest `threshold` is undefined
 * and callers keep nextFloat.
 */
export interface BernoulliThreshold {
  n: number;
  t: number;
}

export function bernoulliThreshold(p: number): BernoulliThreshold | undefined {
  const c = Math.ceil(p * 4294967296); // exact: p * 2^32 only shifts the exponent
  if (!(c > 0)) return { n: 1, t: 0 }; // never
  if (c >= 4294967296) return { n: 1, t: 1 }; // always
  const C = BigInt(c);
  const two32 = 1n << 32n;
  for (let n = 2 ** 30; n > 2 ** 30 - 4096; n--) {
    const prod = C * BigInt(n);
    const r = prod % two32;
    if (r < BigInt(n - 1024)) return { n, t: Number(prod / two32) };
  }
  return undefined;
}
