/**
 * The found front of a run as it grows: the non-dominated set of every distinct architecture evaluated
 * so far (equal objective vectors do not dominate each other, so both stay, as in rank-0 sorting). It
 * keeps the generational distance after every evaluation cheap: each architecture's distance to the true
 * front is precomputed, so GD is a sum over the few archive members, recomputed only when they change.
 */
export class FrontArchive {
  private readonly seen: Uint8Array;
  /** Member architecture indices, in insertion order. */
  readonly members: Int32Array;
  size = 0;

  /**
   * @param objectives row-major minimised objectives of every architecture (n x m)
   * @param dist normalised distance of every architecture to its nearest true-front point
   * @param capacity most distinct architectures a run can evaluate (min(evals, n))
   */
  constructor(
    private readonly objectives: Float64Array,
    private readonly m: number,
    private readonly dist: Float64Array,
    capacity: number,
  ) {
    this.seen = new Uint8Array(dist.length);
    this.members = new Int32Array(Math.max(1, capacity));
  }

  /** Add an evaluated architecture; true when the front changed. */
  add(arch: number): boolean {
    if (this.seen[arch] === 1) return false;
    this.seen[arch] = 1;
    const o = this.objectives;
    const m = this.m;
    const base = arch * m;
    let keep = 0;
    for (let i = 0; i < this.size; i++) {
      const other = this.members[i]!;
      const ob = other * m;
      let otherBetter = false;
      let newBetter = false;
      for (let k = 0; k < m; k++) {
        const a = o[base + k]!;
        const b = o[ob + k]!;
        if (b < a) otherBetter = true;
        else if (a < b) newBetter = true;
      }
      if (otherBetter && !newBetter) return false; // dominated by a member: members are untouched so far
      if (newBetter && !otherBetter) continue; // member dominated by the newcomer: drop it
      this.members[keep++] = other;
    }
    this.members[keep++] = arch;
    this.size = keep;
    return true;
  }

  /** Original (Van Veldhuizen) GD: sqrt(sum d_i^2) / |A|, in the normalised space. */
  gd(): number {
    let s = 0;
    for (let i = 0; i < this.size; i++) {
      const d = this.dist[this.members[i]!]!;
      s += d * d;
    }
    return Math.sqrt(s) / this.size;
  }

  /** Members sorted by objectives (then index): a canonical order for storing and plotting. */
  sortedMembers(): Int32Array {
    const out = this.members.slice(0, this.size);
    const o = this.objectives;
    const m = this.m;
    const sorted = Array.from(out).sort((a, b) => {
      for (let k = 0; k < m; k++) {
        const d = o[a * m + k]! - o[b * m + k]!;
        if (d !== 0) return d;
      }
      return a - b;
    });
    out.set(sorted);
    return out;
  }
}
