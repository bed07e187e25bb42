/**
 * The kernels of every network of a spliceable closed space under one set of fusion rules, stored once
 * and shared by every device with those rules. Kernel fields do not depend on a device's constants,
 * vector widths or memory sizes, and the networks of a space are made of few distinct kernels (NAS-Bench-201:
 * a few hundred among 15,625 x ~60), so each network is a list of ids into a table of distinct kernels.
 * A device's features are then: each distinct kernel's contribution once, summed per network in kernel
 * order, which is the same sequence of additions as `graphFeatures` (bit-identical totals).
 */
import { addKernelFeatures, FEATURES, type FeatureDevice } from './cost.js';
import type { FusionRules } from './device.js';
import { FlatScratch, flatKernels, KERNEL_FIELDS, KERNEL_KINDS } from './flat-cost.js';
import type { Kernel } from './kernels.js';
import { allocSpliced, allocStarts, type SpliceTemplate, spliceNetwork } from './splice.js';

/** Fields per distinct kernel: kind, macs, cout, cinPerGroup, elements, inValues, outValues, weights. */
const F = KERNEL_FIELDS;

export interface KernelStream {
  n: number;
  /** Distinct kernels, F fields each. */
  table: Float64Array;
  distinct: number;
  /** Kernels of network i: ids[offsets[i] .. offsets[i + 1]). */
  offsets: Int32Array;
  ids: Uint32Array;
}

function hashOf(t: Float64Array, o: number): number {
  // Any mix of the fields will do (equal tuples are compared in full); kept cheap, it runs per kernel.
  const x =
    t[o]! +
    3 * t[o + 1]! +
    5 * t[o + 2]! +
    7 * t[o + 3]! +
    11 * t[o + 4]! +
    13 * t[o + 5]! +
    17 * t[o + 6]! +
    19 * t[o + 7]!;
  return Math.imul((x | 0) ^ ((x / 4294967296) | 0), 0x9e3779b1) >>> 7;
}

/** Open-addressing intern table of kernel field tuples. */
class Interner {
  table = new Float64Array(256 * F);
  slots = new Int32Array(1024).fill(-1);
  size = 0;

  /** Id of the kernel whose fields are t[a .. a + F). */
  id(t: Float64Array, a: number): number {
    const mask = this.slots.length - 1;
    const table = this.table;
    for (let p = hashOf(t, a) & mask; ; p = (p + 1) & mask) {
      const s = this.slots[p]!;
      if (s < 0) {
        this.slots[p] = this.add(t, a);
        return this.size - 1;
      }
      const o = s * F;
      if (
        table[o] === t[a] &&
        table[o + 1] === t[a + 1] &&
        table[o + 2] === t[a + 2] &&
        table[o + 3] === t[a + 3] &&
        table[o + 4] === t[a + 4] &&
        table[o + 5] === t[a + 5] &&
        table[o + 6] === t[a + 6] &&
        table[o + 7] === t[a + 7]
      )
        return s;
    }
  }

  private add(t: Float64Array, a: number): number {
    if ((this.size + 1) * F > this.table.length) {
      const grown = new Float64Array(this.table.length * 2);
      grown.set(this.table);
      this.table = grown;
    }
    this.table.set(t.subarray(a, a + F), this.size * F);
    const id = this.size++;
    if (this.size * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let s = 0; s < this.size; s++) {
      let p = hashOf(this.table, s * F) & mask;
      while (slots[p]! >= 0) p = (p + 1) & mask;
      slots[p] = s;
    }
    this.slots = slots;
  }
}

/** Kernels of every network of the template under `rules` (networks in index order, first decision fastest). */
export function kernelStream(t: SpliceTemplate, size: number, rules: FusionRules): KernelStream {
  const interner = new Interner();
  const scratch = new FlatScratch();
  const net = allocSpliced(t);
  const starts = allocStarts(t);
  const codes = new Int32Array(t.radix.length);
  const offsets = new Int32Array(size + 1);
  let ids = new Uint32Array(size * 16);
  let len = 0;
  const radix = t.radix;
  for (let i = 0; i < size; i++) {
    offsets[i] = len;
    spliceNetwork(t, codes, net, starts);
    const count = flatKernels(net, rules, scratch);
    if (len + count > ids.length) {
      const grown = new Uint32Array(Math.max(2 * ids.length, len + count));
      grown.set(ids);
      ids = grown;
    }
    const f = scratch.fields;
    for (let q = 0; q < count; q++) ids[len++] = interner.id(f, q * F);
    for (let d = 0; d < radix.length; d++) {
      if (++codes[d]! < radix[d]!) break;
      codes[d] = 0;
    }
  }
  offsets[size] = len;
  return { n: size, table: interner.table, distinct: interner.size, offsets, ids: ids.slice(0, len) };
}

/** Features of every network (n x FEATURES, row-major) on device `d`. */
export function streamFeatures(st: KernelStream, d: FeatureDevice): Float64Array {
  const contrib = new Float64Array(st.distinct * FEATURES);
  const k: Kernel = {
    kind: 'conv',
    nodes: [],
    block: -1,
    macs: 0,
    cout: 0,
    cinPerGroup: 0,
    elements: 0,
    inValues: 0,
    outValues: 0,
    weights: 0,
  };
  const one = new Float64Array(FEATURES);
  for (let s = 0; s < st.distinct; s++) {
    const o = s * F;
    k.kind = KERNEL_KINDS[st.table[o]!]!;
    k.macs = st.table[o + 1]!;
    k.cout = st.table[o + 2]!;
    k.cinPerGroup = st.table[o + 3]!;
    k.elements = st.table[o + 4]!;
    k.inValues = st.table[o + 5]!;
    k.outValues = st.table[o + 6]!;
    k.weights = st.table[o + 7]!;
    one.fill(0);
    addKernelFeatures(k, d, one);
    contrib.set(one, s * FEATURES);
  }
  const full = new Float64Array(st.n * FEATURES);
  const { offsets, ids } = st;
  if (FEATURES !== 9) throw new Error('streamFeatures: expected 9 kernel features');
  for (let i = 0; i < st.n; i++) {
    // Same additions, in the same order, as addKernelFeatures into a running total (adding 0 is exact).
    let f0 = 0;
    let f1 = 0;
    let f2 = 0;
    let f3 = 0;
    let f4 = 0;
    let f5 = 0;
    let f6 = 0;
    let f7 = 0;
    let f8 = 0;
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
      const c = ids[e]! * 9;
      f0 += contrib[c]!;
      f1 += contrib[c + 1]!;
      f2 += contrib[c + 2]!;
      f3 += contrib[c + 3]!;
      f4 += contrib[c + 4]!;
      f5 += contrib[c + 5]!;
      f6 += contrib[c + 6]!;
      f7 += contrib[c + 7]!;
      f8 += contrib[c + 8]!;
    }
    const row = i * 9;
    full[row] = f0;
    full[row + 1] = f1;
    full[row + 2] = f2;
    full[row + 3] = f3;
    full[row + 4] = f4;
    full[row + 5] = f5;
    full[row + 6] = f6;
    full[row + 7] = f7;
    full[row + 8] = f8;
  }
  return full;
}
