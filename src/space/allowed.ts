/**
 * A (pruned) closed space as the strategies see it: per decision the allowed choice codes, with the
 * strides of the mixed-radix index so that sampling and mutation touch only integers (no decode arrays).
 */
import { fail } from '../errors.js';
import type { Rng } from '../rng.js';

/** Allowed choice codes per decision (a pruned space); every decision keeps at least one. */
export type AllowedChoices = readonly (readonly number[])[];

export class AllowedSpace {
  readonly radix: readonly number[];
  readonly decisions: number;
  /** Architectures in the full space. */
  readonly fullSize: number;
  private readonly stride: Float64Array;
  private readonly radixArr: Int32Array;
  /** Architectures in the pruned space (product of allowed counts). */
  private sizeNow = 0;
  /** allowed codes of decision d at choiceFlat[choiceStart[d] .. choiceStart[d] + choiceCount[d]). */
  private choiceFlat = new Int32Array(0);
  private readonly choiceStart: Int32Array;
  private readonly choiceCount: Int32Array;
  /** position of code c of decision d in its allowed list, or -1: posFlat[radixStart[d] + c]. */
  private readonly posFlat: Int32Array;
  private readonly radixStart: Int32Array;
  /** Decisions with at least two allowed choices: the only ones a mutation can change. */
  private mutable = new Int32Array(0);
  /** Largest allowed count of any decision. */
  private maxCount = 0;
  /** Soft pruning: probability that a mutation draws from the full space (0: never, no draw made). */
  private soft = 0;
  /** Once soft pruning was on, architectures outside the allowed choices are part of the search. */
  private reachAll = false;
  /** Decisions with at least two choices in the full space (the soft mutation's). */
  private readonly fullMutable: Int32Array;

  constructor(radix: readonly number[], allowed?: AllowedChoices) {
    if (radix.length === 0) fail('the space has no decisions');
    for (const r of radix) if (!Number.isInteger(r) || r < 1) fail(`bad choice count ${r} in the space's radix`);
    this.radix = radix;
    this.decisions = radix.length;
    this.radixArr = Int32Array.from(radix);
    this.stride = new Float64Array(radix.length);
    let mul = 1;
    for (let d = 0; d < radix.length; d++) {
      this.stride[d] = mul;
      mul *= radix[d]!;
    }
    this.fullSize = mul;
    if (!Number.isSafeInteger(mul)) fail(`the space has ${mul} architectures: too many for integer indices`);
    this.choiceStart = new Int32Array(radix.length);
    this.choiceCount = new Int32Array(radix.length);
    this.radixStart = new Int32Array(radix.length);
    let totalRadix = 0;
    for (let d = 0; d < radix.length; d++) {
      this.radixStart[d] = totalRadix;
      totalRadix += radix[d]!;
    }
    this.posFlat = new Int32Array(totalRadix);
    this.fullMutable = Int32Array.from(radix.flatMap((r, d) => (r >= 2 ? [d] : [])));
    this.build(allowed);
  }

  /** Architectures in the pruned space (product of allowed counts). */
  get size(): number {
    return this.sizeNow;
  }

  /**
   * Widen the space to `allowed` (adaptive pruning restores removed blocks): every choice allowed now must
   * stay allowed, so an architecture of the space stays in it.
   */
  widen(allowed: AllowedChoices): void {
    if (allowed.length !== this.decisions) {
      fail(`allowed choices cover ${allowed.length} decisions, the space has ${this.decisions}`);
    }
    for (let d = 0; d < this.decisions; d++) {
      const next = new Set(allowed[d]!);
      for (const c of this.allowedOf(d)) {
        if (!next.has(c)) fail(`widening the space would remove choice ${c} of decision ${d}`);
      }
    }
    this.build(allowed);
  }

  /**
   * Soft pruning: each later mutation, with probability `p`, changes a decision to any other choice of the
   * full space (removed blocks included) instead of an allowed one. From the first `p > 0` on, every
   * architecture of the full space belongs to the search (`contains`), whatever `p` becomes.
   */
  setSoft(p: number): void {
    if (!(p >= 0 && p <= 1)) fail(`soft pruning probability must be in [0, 1], got ${p}`);
    this.soft = p;
    if (p > 0) this.reachAll = true;
  }

  /** The current soft-pruning probability (0 without soft pruning). */
  get softProbability(): number {
    return this.soft;
  }

  private build(allowed?: AllowedChoices): void {
    const radix = this.radix;
    if (allowed && allowed.length !== radix.length) {
      fail(`allowed choices cover ${allowed.length} decisions, the space has ${radix.length}`);
    }
    const lists = radix.map((r, d) => {
      const list = allowed ? [...new Set(allowed[d]!)].sort((a, b) => a - b) : Array.from({ length: r }, (_, c) => c);
      if (list.length === 0) fail(`decision ${d} has no allowed choice`, 'keep at least one choice per decision');
      for (const c of list) {
        if (!Number.isInteger(c) || c < 0 || c >= r) fail(`allowed choice ${c} of decision ${d} is not in [0, ${r})`);
      }
      return list;
    });
    let total = 0;
    let size = 1;
    for (let d = 0; d < radix.length; d++) {
      this.choiceStart[d] = total;
      this.choiceCount[d] = lists[d]!.length;
      total += lists[d]!.length;
      size *= lists[d]!.length;
    }
    this.sizeNow = size;
    this.choiceFlat = Int32Array.from(lists.flat());
    this.posFlat.fill(-1);
    for (let d = 0; d < radix.length; d++) {
      lists[d]!.forEach((c, i) => {
        this.posFlat[this.radixStart[d]! + c] = i;
      });
    }
    this.maxCount = Math.max(...lists.map((l) => l.length));
    this.mutable = Int32Array.from(lists.flatMap((l, d) => (l.length >= 2 ? [d] : [])));
  }

  /** Allowed codes of decision d (a copy). */
  allowedOf(d: number): number[] {
    return Array.from(this.choiceFlat.subarray(this.choiceStart[d]!, this.choiceStart[d]! + this.choiceCount[d]!));
  }

  /** Number of allowed codes of decision d. */
  allowedCount(d: number): number {
    return this.choiceCount[d]!;
  }

  /** Code of decision d in architecture `index`. */
  code(index: number, d: number): number {
    return Math.floor(index / this.stride[d]!) % this.radixArr[d]!;
  }

  /** Whether every decision of `index` takes an allowed choice. */
  contains(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.fullSize) return false;
    if (this.reachAll) return true;
    for (let d = 0; d < this.decisions; d++) {
      if (this.posFlat[this.radixStart[d]! + this.code(index, d)]! < 0) return false;
    }
    return true;
  }

  /** Uniformly random architecture of the pruned space: each decision independently uniform over its allowed codes. */
  random(rng: Rng): number {
    let index = 0;
    for (let d = 0; d < this.decisions; d++) {
      const c = this.choiceFlat[this.choiceStart[d]! + rng.nextInt(this.choiceCount[d]!)]!;
      index += c * this.stride[d]!;
    }
    return index;
  }

  /** Number of decisions a mutation can change. */
  get mutableCount(): number {
    return this.mutable.length;
  }

  /**
   * One mutation: a decision drawn uniformly among those with >= 2 allowed choices is set to a different
   * allowed choice, drawn uniformly. A space with a single architecture returns `index` unchanged.
   * `index` must lie in the pruned space.
   */
  mutate(index: number, rng: Rng): number {
    if (this.soft > 0) return this.mutateSoft(index, rng);
    const nm = this.mutable.length;
    if (nm === 0) return index;
    if (nm <= 65536 && this.maxCount <= 65537) {
      // one generator call for both draws: decision from the high half, choice from the low half
      // (Lemire's exact multiply-shift with rejection, see drawSlots16 in re.ts)
      for (;;) {
        const u = rng.nextU32();
        const di = pick16(u >>> 16, nm);
        if (di < 0) continue;
        const d = this.mutable[di]!;
        const r = pick16(u & 0xffff, this.choiceCount[d]! - 1);
        if (r < 0) continue;
        return this.replaceAt(index, d, r);
      }
    }
    const d = this.mutable[rng.nextInt(nm)]!;
    return this.setDecision(index, d, rng);
  }

  /** Set decision d of `index` to a different allowed choice, drawn uniformly (d must be mutable). */
  setDecision(index: number, d: number, rng: Rng): number {
    if (this.soft > 0) {
      if (rng.nextFloat() < this.soft) return this.anyOther(index, d, rng);
      return this.otherAllowed(index, d, rng);
    }
    return this.replaceAt(index, d, rng.nextInt(this.choiceCount[d]! - 1));
  }

  /**
   * The soft mutation: with probability `soft` a decision of the full space set to any other of its
   * choices, otherwise the hard mutation among the allowed choices. The index may hold removed blocks
   * (an earlier soft mutation put them there): any allowed choice is then a different one.
   */
  private mutateSoft(index: number, rng: Rng): number {
    if (rng.nextFloat() < this.soft) {
      const nf = this.fullMutable.length;
      if (nf === 0) return index;
      return this.anyOther(index, this.fullMutable[rng.nextInt(nf)]!, rng);
    }
    const nm = this.mutable.length;
    if (nm === 0) return index;
    return this.otherAllowed(index, this.mutable[rng.nextInt(nm)]!, rng);
  }

  /** Decision d set to a different choice of the full space, drawn uniformly. */
  private anyOther(index: number, d: number, rng: Rng): number {
    const r = this.radixArr[d]!;
    if (r < 2) return index;
    const old = this.code(index, d);
    let c = rng.nextInt(r - 1);
    if (c >= old) c++;
    return index + (c - old) * this.stride[d]!;
  }

  /** Decision d set to a different allowed choice (any allowed one when its code was removed). */
  private otherAllowed(index: number, d: number, rng: Rng): number {
    const old = this.code(index, d);
    const count = this.choiceCount[d]!;
    if (this.posFlat[this.radixStart[d]! + old]! >= 0) {
      if (count < 2) return index;
      return this.replaceAt(index, d, rng.nextInt(count - 1));
    }
    const next = this.choiceFlat[this.choiceStart[d]! + rng.nextInt(count)]!;
    return index + (next - old) * this.stride[d]!;
  }

  /** Decision d set to the r-th allowed choice other than its current one (r < allowed count - 1). */
  private replaceAt(index: number, d: number, r: number): number {
    const old = this.code(index, d);
    const pos = this.posFlat[this.radixStart[d]! + old]!;
    if (r >= pos) r++;
    const next = this.choiceFlat[this.choiceStart[d]! + r]!;
    return index + (next - old) * this.stride[d]!;
  }

  /** Index with decision d set to `code` (no checks). */
  withCode(index: number, d: number, code: number): number {
    return index + (code - this.code(index, d)) * this.stride[d]!;
  }

  /** Every architecture of the pruned space, ascending. */
  indices(): Int32Array {
    if (this.size > 2 ** 31 - 1) fail(`the pruned space has ${this.size} architectures: too many to list`);
    const out = new Int32Array(this.size);
    const pos = new Int32Array(this.decisions);
    for (let i = 0; i < this.size; i++) {
      let index = 0;
      for (let d = 0; d < this.decisions; d++) {
        index += this.choiceFlat[this.choiceStart[d]! + pos[d]!]! * this.stride[d]!;
      }
      out[i] = index;
      // odometer increment, last decision slowest, so the output stays ascending in the mixed-radix index
      for (let d = 0; d < this.decisions; d++) {
        if (++pos[d]! < this.choiceCount[d]!) break;
        pos[d] = 0;
      }
    }
    return out;
  }
}

/** Exact uniform draw in [0, n) from a uniform 16-bit x (1 <= n <= 65536), or -1: reject, draw again. */
export function pick16(x: number, n: number): number {
  const m = x * n;
  return (m & 0xffff) >= (65536 - n) % n ? m >>> 16 : -1;
}
