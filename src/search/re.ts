/**
 * Multi-objective regularized (aging) evolution, Real et al. 2019 (Algorithm 1), as the poster uses it:
 * P random architectures, then each cycle draws S population members WITH replacement, takes the parent
 * by non-dominated rank then crowding distance within the sample (see select.ts), mutates one decision to
 * a different allowed choice, and the told child replaces the OLDEST member.
 *
 * Ask/tell and asynchronous: the first P asks are random; any later ask mutates a parent from the
 * population as it is at that moment (the members told so far, at most P, the P most recent tells), so
 * tells may arrive late and in any order. All state lives in typed ring buffers: no allocation per cycle.
 */
import { fail } from '../errors.js';
import { Rng } from '../rng.js';
import { type AllowedChoices, AllowedSpace } from '../space/allowed.js';
import { DEFAULT_POPULATION, DEFAULT_SAMPLE } from './options.js';
import { SelectScratch, selectParent2, selectParentM } from './select.js';
import type { Strategy, StrategyConfig, StrategyOptions, TellHook } from './types.js';

export class RegularizedEvolution implements Strategy {
  readonly name = 're';
  readonly populationSize: number;
  readonly sampleSize: number;
  readonly space: AllowedSpace;
  private readonly m: number;
  private readonly rng: Rng;
  /** Ring buffers: slot i holds arch popArch[i] with objectives popObj[i*m .. i*m+m). */
  private readonly popArch: Float64Array;
  private readonly popObj: Float64Array;
  private lastAsked = -1;
  private head = 0; // slot of the oldest member once the ring is full
  private count = 0;
  private asked = 0;
  private readonly slots: Int32Array;
  private readonly bitsP: number;
  private readonly scratch: SelectScratch;
  /** Adaptive pruning's hook, told after every tell (search/adaptive.ts). */
  private hook: TellHook | null = null;

  constructor(cfg: StrategyConfig, opts: StrategyOptions = {}) {
    const p = opts.population ?? DEFAULT_POPULATION;
    const s = opts.sample ?? DEFAULT_SAMPLE;
    if (!Number.isInteger(p) || p < 1) fail(`population must be a positive integer, got ${p}`);
    if (!Number.isInteger(s) || s < 1) fail(`sample must be a positive integer, got ${s}`);
    if (!Number.isInteger(cfg.objectives) || cfg.objectives < 1) fail(`objectives must be >= 1, got ${cfg.objectives}`);
    this.populationSize = p;
    this.sampleSize = s;
    this.m = cfg.objectives;
    this.space = new AllowedSpace(cfg.radix, cfg.allowed);
    this.rng = new Rng(cfg.seed);
    this.popArch = new Float64Array(p);
    this.popObj = new Float64Array(p * this.m);
    this.slots = new Int32Array(s);
    this.bitsP = chunkBits(Math.min(p, 65536));
    this.scratch = new SelectScratch(s);
  }

  /** Members currently in the population (<= P). */
  get size(): number {
    return this.count;
  }

  /** Architectures of the population, oldest first (a copy, for tests and checkpoints). */
  population(): number[] {
    const out: number[] = [];
    const p = this.populationSize;
    const start = this.count < p ? 0 : this.head;
    for (let i = 0; i < this.count; i++) out.push(this.popArch[(start + i) % p]!);
    return out;
  }

  ask(): number {
    const asked = this.asked++;
    const arch =
      asked < this.populationSize || this.count === 0
        ? this.space.random(this.rng)
        : this.space.mutate(this.popArch[this.selectParentSlot()]!, this.rng);
    this.lastAsked = arch;
    return arch;
  }

  /** Draw the tournament sample and return the parent's slot (exposed for tests). */
  selectParentSlot(): number {
    const n = this.count;
    const s = this.sampleSize;
    const slots = this.slots;
    const rng = this.rng;
    // While the ring is filling, slots 0..count-1 are the members; once full, every slot is one.
    if (n <= 65536) drawSlots(rng, n, n === this.populationSize ? this.bitsP : chunkBits(n), slots, s);
    else for (let i = 0; i < s; i++) slots[i] = rng.nextInt(n);
    return this.m === 2
      ? selectParent2(this.popObj, slots, s)
      : selectParentM(this.popObj, this.m, slots, s, this.scratch);
  }

  /** Slots of the last tournament sample, in drawing order (for tests). */
  lastSample(): number[] {
    return Array.from(this.slots);
  }

  tell(arch: number, objectives: ArrayLike<number>): void {
    if (objectives.length !== this.m) fail(`told ${objectives.length} objectives, expected ${this.m}`);
    const slot = this.admit(arch);
    for (let o = 0; o < this.m; o++) this.popObj[slot * this.m + o] = checked(arch, objectives[o]!);
    if (this.hook !== null) this.hook.told(objectives, 0);
  }

  setTellHook(hook: TellHook | null): void {
    this.hook = hook;
  }

  widen(allowed: AllowedChoices): void {
    this.space.widen(allowed);
  }

  setSoft(p: number): void {
    this.space.setSoft(p);
  }

  tellFrom(arch: number, values: Float64Array, offset: number): void {
    const slot = this.admit(arch);
    for (let o = 0; o < this.m; o++) this.popObj[slot * this.m + o] = checked(arch, values[offset + o]!);
    if (this.hook !== null) this.hook.told(values, offset);
  }

  /** Append `arch` to the population, evicting the oldest when full; returns its slot. */
  private admit(arch: number): number {
    // asked architectures are in the space by construction; only foreign ones need the check
    if (arch !== this.lastAsked && !this.space.contains(arch))
      fail(`architecture ${arch} is not in the (pruned) space`);
    const p = this.populationSize;
    let slot: number;
    if (this.count < p) {
      slot = this.count++;
    } else {
      slot = this.head;
      this.head = this.head + 1 === p ? 0 : this.head + 1;
    }
    this.popArch[slot] = arch;
    return slot;
  }
}

/**
 * Bits per draw for n (<= 2^16) that minimise generator calls: k-bit chunks of each 32-bit output, floor(32/k)
 * per output, each accepted with probability 1 - (2^k mod n)/2^k. For n = 100: k = 7, four chunks per
 * output, 22 % rejected: 0.32 outputs per draw (16-bit halves: 0.5).
 */
export function chunkBits(n: number): number {
  let best = 16;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let k = Math.max(1, Math.ceil(Math.log2(n))); k <= 16; k++) {
    const span = 2 ** k;
    const cost = 1 / (Math.floor(32 / k) * (1 - (span % n) / span));
    if (cost < bestCost - 1e-12) {
      best = k;
      bestCost = cost;
    }
  }
  return best;
}

/**
 * s uniform draws from [0, n), n <= 2^16, from k-bit chunks of the generator's 32-bit outputs (k from
 * `chunkBits`). Each chunk x is mapped by Lemire's multiply-shift with rejection (x * n, keep the high part,
 * reject when the low part is below 2^k mod n), so the draws are exactly uniform while calling the
 * generator about a third as often as one call per draw; the generator dominates the cost of a cycle.
 */
export function drawSlots(rng: Rng, n: number, k: number, out: Int32Array, s: number): void {
  const mask = (1 << k) - 1;
  const per = Math.floor(32 / k);
  const threshold = (1 << k) % n; // low parts below this would over-represent some results
  let i = 0;
  while (i < s) {
    let u = rng.nextU32();
    for (let j = 0; j < per && i < s; j++) {
      const m = (u & mask) * n; // < 2^k * n <= 2^32
      u >>>= k;
      if ((m & mask) >= threshold) out[i++] = m >>> k;
    }
  }
}

/** A told objective: finite, or +Infinity for an infeasible architecture (worse than anything feasible). */
export function checked(arch: number, v: number): number {
  if (!(v <= Number.POSITIVE_INFINITY && v > Number.NEGATIVE_INFINITY)) {
    fail(
      `objective of architecture ${arch} is ${v}`,
      'every objective must be a finite number (or +Infinity: infeasible)',
    );
  }
  return v;
}
