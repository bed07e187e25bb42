/**
 * IGD+ of a growing found set after every evaluation, cheaply. IGD+'s distance d+(z, a) =
 * sqrt(sum_k max(a_k - z_k, 0)^2) never grows when a is replaced by a point that dominates it, so the IGD+
 * of the non-dominated set of everything evaluated equals that of everything evaluated: each true-front
 * point only needs the smallest d+ seen so far. One evaluation costs |front| x m, whatever the archive.
 * The arithmetic is that of `igdPlus` (pareto/distance.ts), so the values are bit-identical to it.
 */
export class IgdPlusTracker {
  /** Smallest squared d+ to each true-front point so far. */
  private readonly best: Float64Array;
  private readonly nz: number;
  private current = Number.POSITIVE_INFINITY;

  /**
   * @param normalized every architecture's objectives, normalised (n x m, row-major)
   * @param frontNormalized the true front, normalised (|front| x m)
   */
  constructor(
    private readonly normalized: Float64Array,
    private readonly frontNormalized: Float64Array,
    private readonly m: number,
  ) {
    this.nz = frontNormalized.length / m;
    this.best = new Float64Array(this.nz).fill(Number.POSITIVE_INFINITY);
  }

  /** Take an evaluated architecture into account; true when IGD+ went down. */
  add(arch: number): boolean {
    const { normalized: A, frontNormalized: Z, m, best } = this;
    const ra = arch * m;
    // a row outside the feasible set (NaN) is no point at all (NaN - z > 0 is false: it would count as 0)
    for (let k = 0; k < m; k++) if (!Number.isFinite(A[ra + k]!)) return false;
    let changed = false;
    for (let j = 0; j < this.nz; j++) {
      const rz = j * m;
      let s = 0;
      for (let k = 0; k < m; k++) {
        const d = A[ra + k]! - Z[rz + k]!;
        if (d > 0) s += d * d;
      }
      if (s < best[j]!) {
        best[j] = s;
        changed = true;
      }
    }
    if (!changed) return false;
    let sum = 0;
    for (let j = 0; j < this.nz; j++) sum += Math.sqrt(best[j]!);
    const value = sum / this.nz;
    if (!(value < this.current)) return false;
    this.current = value;
    return true;
  }

  /** IGD+ so far (+Infinity before any evaluation). */
  value(): number {
    return this.current;
  }
}
