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
import { OP } from './flat-graph.js';
import { convFieldsForWindow, FlatScratch, flatKernels, KERNEL_FIELDS } from './kernels.js';
import { allocSpliced, allocStarts, type RunContent, type SpliceTemplate, spliceNetwork } from './splice.js';

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

/** Whether two run contents are equal but for the kernel size of their convolutions. */
function sameButConvKernel(a: RunContent, b: RunContent): boolean {
  if (a.len !== b.len || a.inRun.length !== b.inRun.length) return false;
  for (let j = 0; j < a.len; j++) {
    if (a.op[j] !== b.op[j] || a.c[j] !== b.c[j] || a.numel[j] !== b.numel[j] || a.groups[j] !== b.groups[j])
      return false;
    if (a.inCount[j] !== b.inCount[j] || (a.op[j] !== OP.conv2d && a.kernel[j] !== b.kernel[j])) return false;
  }
  for (let e = 0; e < a.inRun.length; e++) if (a.inRun[e] !== b.inRun[e] || a.inOff[e] !== b.inOff[e]) return false;
  return true;
}

/**
 * Choices of a decision that differ only in conv kernel sizes (NB201: 1x1 and 3x3 convolutions) give
 * networks with the same kernels but for those convs' MACs, weights and kind: fusion, aliases and dead
 * code do not look at kernel sizes. Per decision: each choice's leader (smallest such equal choice), its
 * index among the leader's group, and the groups.
 */
function convVariants(t: SpliceTemplate): { leader: Int32Array[]; variant: Int32Array[]; group: number[][][] } {
  const leader: Int32Array[] = [];
  const variant: Int32Array[] = [];
  const group: number[][][] = [];
  t.radix.forEach((r, d) => {
    const runs = [...t.runBlock.keys()].filter((k) => t.runBlock[k] === d);
    const l = new Int32Array(r);
    const v = new Int32Array(r);
    const gr: number[][] = [];
    for (let c = 0; c < r; c++) {
      let found = c;
      for (let p = 0; p < c && found === c; p++)
        if (l[p] === p && runs.every((k) => sameButConvKernel(t.contents[k]![p]!, t.contents[k]![c]!))) found = p;
      l[c] = found;
      if (found === c) gr[c] = [];
      v[c] = gr[found]!.length;
      gr[found]!.push(c);
    }
    leader.push(l);
    variant.push(v);
    group.push(gr);
  });
  return { leader, variant, group };
}

/**
 * Kernels of every network of the template under `rules` (networks in index order, first decision
 * fastest). Kernels are detected once per class of networks that differ only in conv kernel sizes
 * (`convVariants`; NB201: 4,096 of 15,625); the other members of a class take the class's kernels with
 * each conv-rooted kernel of a varying decision re-costed for that decision's kernel size (MACs, weights,
 * kind by the formulas of the detection). Undefined if a class leader's own conv kernels do not come out
 * the same when re-costed that way (then these assumptions do not hold: cost networks one by one).
 */
export function kernelStream(t: SpliceTemplate, size: number, rules: FusionRules): KernelStream | undefined {
  const b = new StreamBuilder(t, size, rules);
  const { radix, codes, vsel, leader, variant } = b;
  const nD = radix.length;
  for (let i = 0; i < size; i++) {
    let li = 0;
    for (let d = nD - 1; d >= 0; d--) {
      li = li * radix[d]! + leader[d]![codes[d]!]!;
      vsel[d + 1] = variant[d]![codes[d]!]!;
    }
    if (li === i && !b.addClass(i)) return undefined;
    b.emit(i, li);
    for (let d = 0; d < nD; d++) {
      if (++codes[d]! < radix[d]!) break;
      codes[d] = 0;
    }
  }
  return b.done();
}

/** State of `kernelStream` (methods kept small so that each is optimised on its own feedback). */
class StreamBuilder {
  readonly interner = new Interner();
  readonly scratch = new FlatScratch();
  readonly net: ReturnType<typeof allocSpliced>;
  readonly starts: Int32Array;
  readonly runOf: Int32Array;
  readonly radix: number[];
  readonly leader: Int32Array[];
  readonly variant: Int32Array[];
  readonly group: number[][][];
  readonly codes: Int32Array;
  /** vsel[d + 1]: this network's variant of decision d; vsel[0] = 0 for kernels that do not vary. */
  readonly vsel: Int32Array;
  readonly offsets: Int32Array;
  // Per class leader: its kernels as (decision + 1, or 0 if it does not vary; offset of the ids per variant in vids).
  readonly classStart: Int32Array;
  readonly classCount: Int32Array;
  kDec = new Int32Array(1 << 16);
  kBase = new Int32Array(1 << 16);
  nK = 0;
  vids = new Uint32Array(1 << 16);
  nV = 0;
  ids: Uint32Array<ArrayBuffer>;
  len = 0;
  readonly tmp = new Float64Array(F);
  readonly maxRadix: number;

  constructor(
    readonly t: SpliceTemplate,
    readonly size: number,
    readonly rules: FusionRules,
  ) {
    this.net = allocSpliced(t);
    this.starts = allocStarts(t);
    this.runOf = new Int32Array(t.maxNodes);
    this.radix = t.radix;
    ({ leader: this.leader, variant: this.variant, group: this.group } = convVariants(t));
    this.codes = new Int32Array(t.radix.length);
    this.vsel = new Int32Array(t.radix.length + 1);
    this.offsets = new Int32Array(size + 1);
    this.classStart = new Int32Array(size);
    this.classCount = new Int32Array(size);
    this.ids = new Uint32Array(size * 16);
    this.maxRadix = Math.max(...t.radix);
  }

  /** Class leader i (current codes): detect its kernels, re-cost the conv kernels of varying decisions per variant. */
  addClass(i: number): boolean {
    const { t, net, starts, runOf, scratch, codes, group, interner, tmp } = this;
    spliceNetwork(t, codes, net, starts);
    const count = flatKernels(net, this.rules, scratch);
    const nRuns = t.runBlock.length;
    for (let r = 0; r < nRuns; r++) runOf.fill(r, starts[r]!, starts[r + 1]!);
    if (this.nK + count > this.kDec.length) {
      const m = Math.max(2 * this.kDec.length, this.nK + count);
      this.kDec = grow(this.kDec, m);
      this.kBase = grow(this.kBase, m);
    }
    if (this.nV + count * this.maxRadix > this.vids.length)
      this.vids = growU(this.vids, Math.max(2 * this.vids.length, this.nV + count * this.maxRadix));
    if (i === 0) this.ids = new Uint32Array(this.size * (count + 8));
    this.classStart[i] = this.nK;
    this.classCount[i] = count;
    const { kDec, kBase, vids } = this;
    const f = scratch.fields;
    for (let q = 0; q < count; q++) {
      const root = scratch.roots[q]!;
      const run = runOf[root]!;
      const d = t.runBlock[run]!;
      const members = d >= 0 && net.op[root] === OP.conv2d ? group[d]![codes[d]!]! : undefined;
      kBase[this.nK] = this.nV;
      if (!members || members.length === 1) {
        kDec[this.nK++] = 0;
        vids[this.nV++] = interner.id(f, q * F);
        continue;
      }
      kDec[this.nK++] = d + 1;
      const cin = net.c[net.inputs[net.inStart[root]!]!]!;
      const gr = net.groups[root]!;
      const off = root - starts[run]!;
      for (let v = 0; v < members.length; v++) {
        const choice = members[v]!;
        const k = t.contents[run]![choice]!.kernel[off]!;
        for (let j = 0; j < F; j++) tmp[j] = f[q * F + j]!;
        convFieldsForWindow(tmp, 0, net.numel[root]!, net.c[root]!, cin, gr, k);
        if (choice === codes[d]) for (let j = 0; j < F; j++) if (tmp[j] !== f[q * F + j]) return false;
        vids[this.nV++] = interner.id(tmp, 0);
      }
    }
    return true;
  }

  /** Network i of class li: the leader's kernels, each varying one taking this network's variant. */
  emit(i: number, li: number): void {
    const n0 = this.classStart[li]!;
    const count = this.classCount[li]!;
    if (this.len + count > this.ids.length) this.ids = growU(this.ids, Math.max(2 * this.ids.length, this.len + count));
    this.offsets[i] = this.len;
    const { ids, vids, kBase, kDec, vsel } = this;
    let len = this.len;
    for (let q = n0; q < n0 + count; q++) ids[len++] = vids[kBase[q]! + vsel[kDec[q]!]!]!;
    this.len = len;
  }

  done(): KernelStream {
    this.offsets[this.size] = this.len;
    const it = this.interner;
    return {
      n: this.size,
      table: it.table,
      distinct: it.size,
      offsets: this.offsets,
      ids: this.ids.slice(0, this.len),
    };
  }
}

function grow(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
function growU(a: Uint32Array<ArrayBuffer>, n: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(n);
  b.set(a);
  return b;
}

/** Features of every network (n x FEATURES, row-major) on device `d`. */
export function streamFeatures(st: KernelStream, d: FeatureDevice): Float64Array {
  const contrib = new Float64Array(st.distinct * FEATURES);
  for (let s = 0; s < st.distinct; s++) addKernelFeatures(st.table, s * F, d, contrib.subarray(s * FEATURES));
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
