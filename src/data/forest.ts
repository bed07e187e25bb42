/**
 * Regression forests as plain arrays (what scikit-learn's RandomForestRegressor holds, rebuilt without
 * Python): every tree's nodes in one set of typed arrays, children as absolute node indices. Prediction
 * follows scikit-learn exactly: features are compared as float32 (sklearn casts X to float32 before it
 * walks a tree) against float64 thresholds, `x <= threshold` goes left, and the forest's value is the sum
 * of the trees' leaf values in tree order divided by the number of trees.
 */
import { fail } from '../errors.js';

export interface Forest {
  /** Number of features a vector must have. */
  nFeatures: number;
  /** First node of each tree. */
  roots: Int32Array;
  /** Children (absolute indices); -1 at leaves (both). */
  left: Int32Array;
  right: Int32Array;
  /** Feature tested by each split node (-2 at leaves, as in scikit-learn). */
  feature: Int32Array;
  threshold: Float64Array;
  /** Output value of each node (only leaves' are read). */
  value: Float64Array;
}

/** One tree in the portable layout: per-node arrays, children as indices within the tree. */
export interface TreeArrays {
  left: number[];
  right: number[];
  feature: number[];
  threshold: number[];
  value: number[];
}

export interface ForestJson {
  nFeatures: number;
  trees: TreeArrays[];
}

/** The forest's prediction for one feature vector. */
export function predictForest(f: Forest, x: ArrayLike<number>, scratch = new Float64Array(f.nFeatures)): number {
  if (x.length !== f.nFeatures) throw new Error(`forest: expected ${f.nFeatures} features, got ${x.length}`);
  for (let j = 0; j < f.nFeatures; j++) scratch[j] = Math.fround(x[j]!);
  const { roots, left, right, feature, threshold, value } = f;
  let sum = 0;
  for (let t = 0; t < roots.length; t++) {
    let i = roots[t]!;
    let l = left[i]!;
    while (l >= 0) {
      i = scratch[feature[i]!]! <= threshold[i]! ? l : right[i]!;
      l = left[i]!;
    }
    sum += value[i]!;
  }
  return sum / roots.length;
}

/**
 * A forest from per-tree arrays, checked so that prediction always ends: every split's children lie after
 * it in its tree (scikit-learn builds trees depth first), leaves have no children, features are in range.
 */
export function forestFromTrees(nFeatures: number, trees: readonly TreeArrays[], name: string): Forest {
  if (!Number.isInteger(nFeatures) || nFeatures < 1) fail(`${name}: bad number of features ${nFeatures}`);
  if (trees.length === 0) fail(`${name}: a forest without trees`);
  const total = trees.reduce((a, t) => a + t.left.length, 0);
  const f: Forest = {
    nFeatures,
    roots: new Int32Array(trees.length),
    left: new Int32Array(total),
    right: new Int32Array(total),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    value: new Float64Array(total),
  };
  let off = 0;
  trees.forEach((t, k) => {
    const n = t.left.length;
    if (n === 0 || [t.right, t.feature, t.threshold, t.value].some((a) => a.length !== n))
      fail(`${name}: tree ${k} has arrays of different lengths (or no nodes)`);
    f.roots[k] = off;
    for (let i = 0; i < n; i++) {
      const l = t.left[i]!;
      const r = t.right[i]!;
      const leaf = l === -1;
      if (leaf !== (r === -1)) fail(`${name}: tree ${k} node ${i} has one child`);
      if (!leaf) {
        if (!Number.isInteger(l) || !Number.isInteger(r) || l <= i || r <= i || l >= n || r >= n)
          fail(`${name}: tree ${k} node ${i} has children ${l}, ${r} outside the tree (or not after it)`);
        const ft = t.feature[i]!;
        if (!Number.isInteger(ft) || ft < 0 || ft >= nFeatures)
          fail(`${name}: tree ${k} node ${i} splits on feature ${ft} of ${nFeatures}`);
        f.left[off + i] = off + l;
        f.right[off + i] = off + r;
        f.feature[off + i] = ft;
      } else {
        f.left[off + i] = -1;
        f.right[off + i] = -1;
        f.feature[off + i] = -2;
      }
      const th = t.threshold[i]!;
      const v = t.value[i]!;
      if (typeof th !== 'number' || typeof v !== 'number' || (leaf && !Number.isFinite(v)))
        fail(`${name}: tree ${k} node ${i} has a non-numeric threshold or value`);
      f.threshold[off + i] = th;
      f.value[off + i] = v;
    }
    off += n;
  });
  return f;
}

/** The forest in the portable layout (children relative to their tree). */
export function forestToJson(f: Forest): ForestJson {
  const trees: TreeArrays[] = [];
  for (let k = 0; k < f.roots.length; k++) {
    const a = f.roots[k]!;
    const b = k + 1 < f.roots.length ? f.roots[k + 1]! : f.left.length;
    const rel = (x: number) => (x < 0 ? -1 : x - a);
    trees.push({
      left: Array.from(f.left.subarray(a, b), rel),
      right: Array.from(f.right.subarray(a, b), rel),
      feature: Array.from(f.feature.subarray(a, b)),
      threshold: Array.from(f.threshold.subarray(a, b)),
      value: Array.from(f.value.subarray(a, b)),
    });
  }
  return { nFeatures: f.nFeatures, trees };
}
