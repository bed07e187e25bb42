/**
 * Peak live activations of every architecture of a closed space (the SRAM side of `fits:` and `peak<=`),
 * in values (= bytes at 1 byte per value; multiply by the precision's bytes).
 *
 * Per-segment caching: when a space's blocks run one after the other (BLOX's three stages), the live set
 * while a block's nodes run depends only on that block's choice, and the fixed part's live set on nothing.
 * The network's peak is then max(fixed peak, max over decisions of that block's peak), from one graph per
 * (decision, choice) instead of one per architecture. This is checked, not assumed:
 * - structurally, in every block network: the fixed part's peak and every OTHER decision's peak equal
 *   those of the all-zero network (changing one choice moves nothing outside its own segment);
 * - on sampled architectures (the first, the last, and seeded random ones) against the full graph's
 *   `peakActivationBytes`.
 * If either check fails (NB201: every cell interleaves all six edges), every network is built and counted.
 */
import { liveValueDeltas, peakActivationBytes } from '../ir/count.js';
import type { Graph } from '../ir/graph.js';
import { Rng } from '../rng.js';
import { blockNetwork, radices, type SearchSpace } from './types.js';

export interface SpacePeaks {
  /** Peak live activation values per architecture index. */
  values: Float64Array;
  method: 'segments' | 'full';
  /** Networks built. */
  graphs: number;
}

/**
 * Live activation values after each node runs, attributed to the node's block (index 0 = fixed part,
 * d + 1 = decision d): per owner the maximum. Same liveness rules as ir/count.ts `peakActivationBytes`
 * (aliases add nothing and keep their source alive; the output lives to the end).
 */
export function ownerPeaks(g: Graph, decisions: number): Float64Array | null {
  const n = g.nodes.length;
  const delta = liveValueDeltas(g);
  const peaks = new Float64Array(decisions + 1);
  let live = 0;
  for (let t = 0; t <= n; t++) {
    live += delta[t]!;
    const block = t < n ? g.nodes[t]!.block : -1;
    if (!(block >= -1 && block < decisions)) return null;
    const o = block + 1;
    if (live > peaks[o]!) peaks[o] = live;
  }
  return peaks;
}

/** Per-(decision, choice) segment peaks and the fixed part's, or null when segments interact. */
export function segmentPeaks(space: SearchSpace): { fixed: number; blocks: Float64Array[]; graphs: number } | null {
  const radix = radices(space);
  const nd = radix.length;
  const base = ownerPeaks(space.network(0), nd);
  if (!base) return null;
  const blocks = radix.map((r) => new Float64Array(r));
  let graphs = 1;
  for (let d = 0; d < nd; d++) {
    blocks[d]![0] = base[d + 1]!;
    for (let c = 1; c < radix[d]!; c++) {
      const p = ownerPeaks(blockNetwork(space, d, c), nd);
      graphs++;
      if (!p) return null;
      for (let o = 0; o <= nd; o++) if (o !== d + 1 && p[o] !== base[o]) return null;
      blocks[d]![c] = p[d + 1]!;
    }
  }
  return { fixed: base[0]!, blocks, graphs };
}

/** Max over segments for every index: an odometer over the decisions, first decision fastest. */
function combine(space: SearchSpace, fixed: number, blocks: Float64Array[]): Float64Array {
  const radix = radices(space);
  const nd = radix.length;
  const n = space.size;
  const out = new Float64Array(n);
  const codes = new Int32Array(nd);
  // partial[d] = max(fixed, blocks of decisions d..nd-1 at their current codes)
  const partial = new Float64Array(nd + 1);
  partial[nd] = fixed;
  for (let d = nd - 1; d >= 0; d--) partial[d] = Math.max(partial[d + 1]!, blocks[d]![0]!);
  for (let i = 0; i < n; i++) {
    out[i] = partial[0]!;
    let d = 0;
    while (d < nd && ++codes[d] === radix[d]) codes[d++] = 0;
    if (d === nd) break;
    for (let e = d; e >= 0; e--) partial[e] = Math.max(partial[e + 1]!, blocks[e]![codes[e]!]!);
  }
  return out;
}

/** Indices checked against full graphs: 0, the last, then seeded random ones. */
export function peakSample(size: number, count: number, seed = 0): number[] {
  const out = new Set<number>([0, size - 1]);
  const rng = new Rng(seed);
  while (out.size < Math.min(count, size)) out.add(rng.nextInt(size));
  return [...out];
}

export function spacePeakActivations(space: SearchSpace, opts: { verify?: number } = {}): SpacePeaks {
  const seg = segmentPeaks(space);
  if (seg) {
    const values = combine(space, seg.fixed, seg.blocks);
    const sample = peakSample(space.size, opts.verify ?? 32);
    if (sample.every((i) => peakActivationBytes(space.network(i), 1) === values[i])) {
      return { values, method: 'segments', graphs: seg.graphs + sample.length };
    }
  }
  const values = new Float64Array(space.size);
  for (let i = 0; i < space.size; i++) values[i] = peakActivationBytes(space.network(i), 1);
  return { values, method: 'full', graphs: space.size };
}
