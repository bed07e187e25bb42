/**
 * Params, MACs and ptflops "flops" of every architecture of a closed space via per-block caching: the
 * fixed part (block -1) plus, per decision, the nodes of the chosen block (counted once per (decision,
 * choice) in `blockNetwork`). Exact whenever a block's nodes and the fixed part do not depend on the other
 * decisions' choices (BLOX, NAS-Bench-201). A sample of full graph counts guards that assumption; on a
 * mismatch every network is counted in full instead.
 */
import { type Counts, countAll } from '../ir/count.js';
import { Rng } from '../rng.js';
import { blockNetwork, type NetworkOptions, radices, type SearchSpace } from './types.js';

export interface SpaceCounts {
  params: Float64Array;
  macs: Float64Array;
  flops: Float64Array;
  /** Counts of the fixed part (stem, reductions, head). */
  fixed: Counts;
  /** blocks[d][c]: counts of choice c's nodes at decision d. */
  blocks: Counts[][];
  /** False when the sample check failed and every network was counted in full. */
  additive: boolean;
}

export interface SpaceCountsOptions extends NetworkOptions {
  /** Networks counted in full to check the cache (default 8; 0 = no check). */
  verify?: number;
  seed?: number;
}

const FIELDS = ['params', 'macs', 'flops'] as const;

/** Per-(decision, choice) counts and the fixed part; null when the fixed part differs between blocks. */
export function blockCounts(space: SearchSpace, opts?: NetworkOptions): { fixed: Counts; blocks: Counts[][] } | null {
  let fixed: Counts | undefined;
  let consistent = true;
  const blocks = space.decisions.map((dec, d) =>
    dec.choices.map((_, c) => {
      const g = blockNetwork(space, d, c, opts);
      const f = countAll(g, -1);
      if (!fixed) fixed = f;
      else if (f.params !== fixed.params || f.macs !== fixed.macs || f.flops !== fixed.flops) consistent = false;
      return countAll(g, d);
    }),
  );
  return consistent && fixed ? { fixed, blocks } : null;
}

/** Totals for every index from block counts: an odometer over the decisions, first decision fastest. */
function sumBlocks(
  space: SearchSpace,
  fixed: Counts,
  blocks: Counts[][],
): Pick<SpaceCounts, 'params' | 'macs' | 'flops'> {
  const radix = radices(space);
  const n = space.size;
  const out = { params: new Float64Array(n), macs: new Float64Array(n), flops: new Float64Array(n) };
  // Flat per-decision tables: table[d][c] for each field.
  const tables = FIELDS.map((f) => blocks.map((row) => Float64Array.from(row, (b) => b[f])));
  const arrays = FIELDS.map((f) => out[f]);
  const base = FIELDS.map((f) => fixed[f]);
  const nd = radix.length;
  const codes = new Int32Array(nd);
  for (let k = 0; k < FIELDS.length; k++) {
    const table = tables[k]!;
    const arr = arrays[k]!;
    codes.fill(0);
    // Running sums per decision level so that each index costs O(1) amortised.
    const partial = new Float64Array(nd + 1);
    partial[nd] = base[k]!;
    for (let d = nd - 1; d >= 0; d--) partial[d] = partial[d + 1]! + table[d]![0]!;
    for (let i = 0; i < n; i++) {
      arr[i] = partial[0]!;
      let d = 0;
      while (d < nd && ++codes[d] === radix[d]) codes[d++] = 0;
      if (d === nd) break;
      for (let e = d; e >= 0; e--) partial[e] = partial[e + 1]! + table[e]![codes[e]!]!;
    }
  }
  return out;
}

/** Counts of every architecture of a closed space. */
export function spaceCounts(space: SearchSpace, opts: SpaceCountsOptions = {}): SpaceCounts {
  const cached = blockCounts(space, opts);
  if (cached) {
    const totals = sumBlocks(space, cached.fixed, cached.blocks);
    const result = { ...totals, ...cached, additive: true };
    const sample = opts.verify ?? 8;
    if (
      sample === 0 ||
      checkSpaceCounts(space, result, { sample, seed: opts.seed, classes: opts.classes }).length === 0
    ) {
      return result;
    }
  }
  return fullSpaceCounts(space, opts, cached);
}

/** Every network built and counted: the slow reference (and the fallback when blocks interact). */
export function fullSpaceCounts(
  space: SearchSpace,
  opts: NetworkOptions = {},
  cached: { fixed: Counts; blocks: Counts[][] } | null = null,
): SpaceCounts {
  const n = space.size;
  const out = { params: new Float64Array(n), macs: new Float64Array(n), flops: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const c = countAll(space.network(i, opts));
    out.params[i] = c.params;
    out.macs[i] = c.macs;
    out.flops[i] = c.flops;
  }
  const blocks = cached ?? { fixed: { params: Number.NaN, macs: Number.NaN, flops: Number.NaN }, blocks: [] };
  return { ...out, ...blocks, additive: false };
}

export interface CountMismatch {
  index: number;
  field: (typeof FIELDS)[number];
  cached: number;
  full: number;
}

/**
 * Compare cached counts with full graph counts on `sample` indices (always the first and the last, then
 * seeded random ones). Returns the mismatches (empty = agreement).
 */
export function checkSpaceCounts(
  space: SearchSpace,
  counts: Pick<SpaceCounts, 'params' | 'macs' | 'flops'>,
  opts: { sample?: number; seed?: number; classes?: number; indices?: readonly number[] } = {},
): CountMismatch[] {
  const indices = opts.indices ? [...opts.indices] : sampleIndices(space.size, opts.sample ?? 8, opts.seed ?? 0);
  const bad: CountMismatch[] = [];
  for (const index of indices) {
    const full = countAll(space.network(index, { classes: opts.classes }));
    for (const f of FIELDS) {
      if (counts[f][index] !== full[f]) bad.push({ index, field: f, cached: counts[f][index]!, full: full[f] });
    }
  }
  return bad;
}

function sampleIndices(size: number, sample: number, seed: number): number[] {
  if (sample <= 0 || size === 0) return [];
  const out = new Set<number>([0, size - 1]);
  const rng = new Rng(seed);
  while (out.size < Math.min(sample, size)) out.add(rng.nextInt(size));
  return [...out].slice(0, sample);
}
