/**
 * Latency of every architecture of a closed space under an analytical device model. Where the model is
 * additive over the space's blocks (each kernel belongs to one decision or to the fixed part, and no
 * fusion crosses a block boundary in a way that depends on another decision), the total is
 * fixed + sum of per-block costs, computed once per (decision, choice): 91,125 BLOX networks cost
 * 3 x 45 block graphs. Additivity is checked, not assumed: on sampled architectures the cached sum must
 * equal predicting the full graph; otherwise every network is costed in full: assembled from pieces and
 * assembled on typed arrays where the space splices (`splice.ts`; NAS-Bench-201) and costed from kernel
 * streams (`kernel-stream.ts`), checked bit for bit against building and costing the graph on the sampled
 * architectures, else built one by one.
 */
import type { Graph } from '../ir/graph.js';
import { Rng } from '../rng.js';
import { blockNetwork, mixedRadixDecode, radices, type SearchSpace } from '../space/types.js';
import { blockFeatures, FEATURES, type FeatureDevice, featuresMs, flatFeatures, graphFeatures } from './cost.js';
import type { Device } from './device.js';
import { flattenGraph } from './flat-graph.js';
import { type KernelStream, kernelStream, streamFeatures } from './kernel-stream.js';
import { FlatScratch } from './kernels.js';
import { allocSpliced, allocStarts, type SpliceTemplate, sameFlat, spliceNetwork, spliceTemplate } from './splice.js';

export interface SpaceFeatures {
  n: number;
  radix: number[];
  /** Fixed-part features (block -1). */
  fixed: Float64Array;
  /** Features of block (decision d, choice c): block[d][c]. */
  block: Float64Array[][];
  /** Whether fixed + sum of blocks reproduces the full graph on every checked architecture. */
  additive: boolean;
  /** Largest relative difference seen between cached and full features (0 when additive). */
  maxDeviation: number;
  /** Per-architecture features (n x FEATURES, row-major): only when not additive. */
  full?: Float64Array;
}

const cache = new Map<string, SpaceFeatures>();

function featureKey(space: SearchSpace, d: FeatureDevice): string {
  const f = d.file;
  return JSON.stringify([
    space.id,
    space.size,
    f.id,
    f.fusion,
    f.vector,
    f.weightsInSlowMemory,
    d.fastBytes,
    d.bytesPerValue,
  ]);
}

function relDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let j = 0; j < FEATURES; j++) {
    const scale = Math.max(Math.abs(a[j]!), Math.abs(b[j]!), 1e-30);
    worst = Math.max(worst, Math.abs(a[j]! - b[j]!) / scale);
  }
  return worst;
}

/** Networks every device of a space probes: blockNetwork(d, c) (blocks[0][0] = network 0) and checked ones. */
interface ProbeGraphs {
  blocks: Graph[][];
  checked: Map<number, Graph>;
}
const probes = new WeakMap<SearchSpace, ProbeGraphs>();

/** Built once per space and shared by its devices (graphs do not depend on the device). */
function probeGraphs(space: SearchSpace): ProbeGraphs {
  let p = probes.get(space);
  if (!p) {
    const net0 = space.network(0);
    p = {
      blocks: radices(space).map((r, dec) =>
        Array.from({ length: r }, (_, c) => (c === 0 ? net0 : blockNetwork(space, dec, c))),
      ),
      checked: new Map(),
    };
    probes.set(space, p);
  }
  return p;
}

/** Architectures checked for additivity: index 0, the last, and `samples` drawn with a fixed seed. */
function checkIndices(size: number, samples: number): number[] {
  const rng = new Rng(0x5eed);
  const out = new Set<number>([0, size - 1]);
  for (let i = 0; i < samples && out.size < size; i++) out.add(rng.nextInt(size));
  return [...out].sort((a, b) => a - b);
}

export function spaceFeatures(space: SearchSpace, d: FeatureDevice, opts: { samples?: number } = {}): SpaceFeatures {
  const key = featureKey(space, d);
  const hit = cache.get(key);
  if (hit) return hit;
  const radix = radices(space);
  const nD = radix.length;
  const graphs = probeGraphs(space);
  const base = blockFeatures(graphs.blocks[0]![0]!, d, nD);
  const fixed = base[0]!;
  const block = radix.map((r, dec) =>
    Array.from({ length: r }, (_, c) =>
      c === 0 ? base[dec + 1]! : blockFeatures(graphs.blocks[dec]![c]!, d, nD)[dec + 1]!,
    ),
  );
  const sum = new Float64Array(FEATURES);
  const codes: number[] = [];
  let maxDeviation = 0;
  const checked: { index: number; graph: Graph; features: Float64Array }[] = [];
  for (const idx of checkIndices(space.size, opts.samples ?? 48)) {
    mixedRadixDecode(idx, radix, codes);
    let graph = graphs.checked.get(idx);
    if (!graph) {
      graph = space.network(idx);
      graphs.checked.set(idx, graph);
    }
    sum.set(fixed);
    for (let dec = 0; dec < nD; dec++) {
      const b = block[dec]![codes[dec]!]!;
      for (let j = 0; j < FEATURES; j++) sum[j] += b[j]!;
    }
    const features = graphFeatures(graph, d);
    checked.push({ index: idx, graph, features });
    maxDeviation = Math.max(maxDeviation, relDiff(sum, features));
  }
  const additive = maxDeviation < 1e-9;
  const out: SpaceFeatures = { n: space.size, radix, fixed, block, additive, maxDeviation };
  if (!additive) out.full = splicedSpaceFeatures(space, d, checked) ?? builtSpaceFeatures(space, d);
  cache.set(key, out);
  return out;
}

/** Every network built and costed in full (the reference path). */
function builtSpaceFeatures(space: SearchSpace, d: FeatureDevice): Float64Array {
  const full = new Float64Array(space.size * FEATURES);
  const row = new Float64Array(FEATURES);
  for (let i = 0; i < space.size; i++) {
    row.fill(0);
    graphFeatures(space.network(i), d, undefined, row);
    full.set(row, i * FEATURES);
  }
  return full;
}

/** Largest space whose kernel streams are kept (about 0.4 KB per network and set of fusion rules). */
const STREAM_MAX_NETWORKS = 1_000_000;

/** Every network spliced and costed on `d` without a stream (spaces too large to keep one; tests). */
export function directFeatures(t: SpliceTemplate, size: number, d: FeatureDevice): Float64Array {
  const full = new Float64Array(size * FEATURES);
  const net = allocSpliced(t);
  const starts = allocStarts(t);
  const scratch = new FlatScratch();
  const codes = new Int32Array(t.radix.length);
  for (let i = 0; i < size; i++) {
    spliceNetwork(t, codes, net, starts);
    flatFeatures(net, d.file.fusion, d, full.subarray(i * FEATURES, (i + 1) * FEATURES), scratch);
    for (let dec = 0; dec < codes.length; dec++) {
      if (++codes[dec]! < t.radix[dec]!) break;
      codes[dec] = 0;
    }
  }
  return full;
}

interface Spliced {
  template: SpliceTemplate | null;
  /** Kernel streams by fusion rules (JSON): shared by devices whose runtimes fuse alike (null: none). */
  streams: Map<string, KernelStream | null>;
}
const spliced = new WeakMap<SearchSpace, Spliced>();

/**
 * Every network assembled from the space's splice template (no graph building), its kernels detected once
 * per set of fusion rules, and costed from the distinct kernels. Undefined (use the reference path) when
 * the space does not splice, or when on any checked architecture the assembled network differs from
 * `space.network(i)` or its features differ from `graphFeatures` by a single bit.
 */
function splicedSpaceFeatures(
  space: SearchSpace,
  d: FeatureDevice,
  checked: readonly { index: number; graph: Graph; features: Float64Array }[],
): Float64Array | undefined {
  let entry = spliced.get(space);
  if (!entry) {
    entry = { template: spliceTemplate(space, probeGraphs(space).blocks) ?? null, streams: new Map() };
    spliced.set(space, entry);
  }
  const t = entry.template;
  if (!t) return undefined;
  const net = allocSpliced(t);
  const starts = allocStarts(t);
  for (const c of checked) {
    spliceNetwork(t, mixedRadixDecode(c.index, t.radix), net, starts);
    if (!sameFlat(net, flattenGraph(c.graph))) return undefined;
  }
  let full: Float64Array;
  if (space.size > STREAM_MAX_NETWORKS) {
    // A stream holds ~100 kernel ids per network: beyond this, cost each network directly, per device.
    full = directFeatures(t, space.size, d);
  } else {
    const rulesKey = JSON.stringify(d.file.fusion);
    let stream = entry.streams.get(rulesKey);
    if (stream === undefined) {
      stream = kernelStream(t, space.size, d.file.fusion) ?? null;
      entry.streams.set(rulesKey, stream);
    }
    full = stream ? streamFeatures(stream, d) : directFeatures(t, space.size, d);
  }
  for (const c of checked)
    for (let j = 0; j < FEATURES; j++) if (full[c.index * FEATURES + j] !== c.features[j]) return undefined;
  return full;
}

/** Features of architecture `i` into `out`. */
export function archFeatures(sf: SpaceFeatures, i: number, out: Float64Array, codes: number[] = []): Float64Array {
  if (sf.full) {
    out.set(sf.full.subarray(i * FEATURES, (i + 1) * FEATURES));
    return out;
  }
  mixedRadixDecode(i, sf.radix, codes);
  out.set(sf.fixed);
  for (let dec = 0; dec < sf.radix.length; dec++) {
    const b = sf.block[dec]![codes[dec]!]!;
    for (let j = 0; j < FEATURES; j++) out[j] += b[j]!;
  }
  return out;
}

/**
 * Per-block features as the block runs when it is live. In `blockNetwork(d, c)` the other decisions take
 * code 0, which in NB201 is `none`: with converter dead-code elimination on, most edges' ops feed nothing
 * there and would cost 0, so pruning would score every block as free. A block's own kernels do not depend
 * on whether a converter would drop them, so they are costed with elimination off. Additive spaces (no
 * dead blocks, e.g. BLOX) keep the exact per-block features that their totals are summed from.
 */
export function liveBlockFeatures(space: SearchSpace, d: FeatureDevice): Float64Array[][] {
  const sf = spaceFeatures(space, d);
  if (sf.additive || d.file.fusion.deadCode !== true) return sf.block;
  const live: FeatureDevice = { ...d, file: { ...d.file, fusion: { ...d.file.fusion, deadCode: false } } };
  const graphs = probeGraphs(space);
  const nD = sf.radix.length;
  return sf.radix.map((r, dec) =>
    Array.from({ length: r }, (_, c) => blockFeatures(graphs.blocks[dec]![c]!, live, nD)[dec + 1]!),
  );
}

export interface SpaceLatency {
  values: Float64Array;
  fixedMs: number;
  /** blockMs[d][c]: the block's own kernels, ms. */
  blockMs: Float64Array[];
  additive: boolean;
  maxDeviation: number;
}

/** Latency (ms) of every architecture of `space` on `device`. */
export function spaceLatency(space: SearchSpace, device: Device): SpaceLatency {
  const sf = spaceFeatures(space, device);
  const fixedMs = featuresMs(sf.fixed, device);
  const values = new Float64Array(sf.n);
  if (sf.full) {
    const row = new Float64Array(FEATURES);
    for (let i = 0; i < sf.n; i++) {
      row.set(sf.full.subarray(i * FEATURES, (i + 1) * FEATURES));
      values[i] = featuresMs(row, device);
    }
  }
  const blockMs = liveBlockFeatures(space, device).map((choices) =>
    Float64Array.from(choices.map((f) => featuresMs(f, device))),
  );
  if (!sf.full) sumTables(fixedMs, blockMs, values);
  return { values, fixedMs, blockMs, additive: sf.additive, maxDeviation: sf.maxDeviation };
}

/**
 * values[i] = fixed + sum_d table[d][code_d(i)] for all i, mixed radix with the first decision fastest:
 * built decision by decision (each level repeats the previous block of sums), no decoding per index.
 */
export function sumTables(fixed: number, tables: Float64Array[], out: Float64Array): Float64Array {
  out[0] = fixed;
  let len = 1;
  for (const t of tables) {
    const r = t.length;
    // Fill chunk c (c = 1..r-1) from chunk 0 first, then shift chunk 0 by t[0] last.
    for (let c = r - 1; c >= 1; c--) {
      const off = c * len;
      const add = t[c]!;
      for (let i = 0; i < len; i++) out[off + i] = out[i]! + add;
    }
    const add0 = t[0]!;
    for (let i = 0; i < len; i++) out[i] += add0;
    len *= r;
  }
  return out;
}
