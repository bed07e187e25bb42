/**
 * Reference implementations, kept deliberately simple: the property tests check the fast sorts against
 * them and the benchmark measures its speed-up over them. Not used by the library itself.
 */

/** a dominates b: no worse in every objective, strictly better in at least one (minimisation). */
export function dominates(points: Float64Array, m: number, a: number, b: number): boolean {
  let strictly = false;
  for (let k = 0; k < m; k++) {
    const x = points[a * m + k]!;
    const y = points[b * m + k]!;
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

/** Ranks by peeling: front k = the points no remaining point dominates. O(K M N^2); for tests. */
export function peelingRanks(points: Float64Array, m: number): Int32Array {
  const n = points.length / m;
  const ranks = new Int32Array(n).fill(-1);
  let left = n;
  for (let rank = 0; left > 0; rank++) {
    const current: number[] = [];
    for (let i = 0; i < n; i++) {
      if (ranks[i] !== -1) continue;
      let dominated = false;
      for (let j = 0; j < n && !dominated; j++) if (ranks[j] === -1 && dominates(points, m, j, i)) dominated = true;
      if (!dominated) current.push(i);
    }
    for (const i of current) ranks[i] = rank;
    left -= current.length;
  }
  return ranks;
}

/**
 * Deb et al. 2002 fast non-dominated sort, O(M N^2) time: the algorithm DEAP's sortNondominated and pymoo's
 * fast_non_dominated_sort use. The "dominates" lists are a bit matrix (N^2 / 8 bytes) so that 10,000 points fit.
 */
export function fastNdsRanks(points: Float64Array, m: number): Int32Array {
  const n = points.length / m;
  const wordsPerRow = (n + 31) >>> 5;
  const beats = new Uint32Array(n * wordsPerRow);
  const dominatedBy = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(points, m, i, j)) {
        beats[i * wordsPerRow + (j >>> 5)]! |= 1 << (j & 31);
        dominatedBy[j]!++;
      } else if (dominates(points, m, j, i)) {
        beats[j * wordsPerRow + (i >>> 5)]! |= 1 << (i & 31);
        dominatedBy[i]!++;
      }
    }
  }
  const ranks = new Int32Array(n);
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  for (let rank = 0; current.length > 0; rank++) {
    const next: number[] = [];
    for (const i of current) {
      ranks[i] = rank;
      const row = i * wordsPerRow;
      for (let w = 0; w < wordsPerRow; w++) {
        let bits = beats[row + w]!;
        while (bits !== 0) {
          const low = bits & -bits;
          const j = (w << 5) + 31 - Math.clz32(low);
          bits ^= low;
          if (--dominatedBy[j]! === 0) next.push(j);
        }
      }
    }
    current = next;
  }
  return ranks;
}

/**
 * Crowding distance written straight from its definition (pareto/crowding.ts: copies count once, the
 * first copy in `members` order gets the distance, <= 2 distinct points are all boundary, a constant
 * objective adds nothing, ties by position). O(k^2) copy search; for tests. Adds the same terms in the same
 * order as the fast version, so the two agree bit for bit.
 */
export function naiveCrowding(points: Float64Array, m: number, members: ArrayLike<number>): Float64Array {
  const k = members.length;
  const dist = new Float64Array(k);
  const value = (j: number, o: number) => points[members[j]! * m + o]!;
  const firsts: number[] = [];
  for (let j = 0; j < k; j++) {
    const copy = firsts.some((f) => {
      for (let o = 0; o < m; o++) if (value(f, o) !== value(j, o)) return false;
      return true;
    });
    if (!copy) firsts.push(j);
  }
  if (firsts.length <= 2) {
    for (const j of firsts) dist[j] = Number.POSITIVE_INFINITY;
    return dist;
  }
  for (let o = 0; o < m; o++) {
    const sorted = [...firsts].sort((a, b) => (value(a, o) < value(b, o) ? -1 : value(a, o) > value(b, o) ? 1 : a - b));
    const u = sorted.length;
    const range = value(sorted[u - 1]!, o) - value(sorted[0]!, o);
    if (range === 0) continue;
    dist[sorted[0]!] = Number.POSITIVE_INFINITY;
    dist[sorted[u - 1]!] = Number.POSITIVE_INFINITY;
    for (let t = 1; t < u - 1; t++) dist[sorted[t]!]! += (value(sorted[t + 1]!, o) - value(sorted[t - 1]!, o)) / range;
  }
  return dist;
}
