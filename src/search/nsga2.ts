/**
 * NSGA-II (Deb et al. 2002) on categorical decisions, ask/tell. Generation 0: `population` (N) random
 * architectures. Offspring: two parents by binary tournament (lower rank, then larger crowding, then the
 * first drawn), uniform crossover with probability `crossover` (default 0.9; each decision swapped with
 * probability 1/2), then each mutable decision mutated with probability 1/(mutable decisions) to a different
 * allowed choice; a child equal to either parent gets one forced mutation so no evaluation is a plain copy.
 * Survival (when N offspring have been told): elitist (mu + lambda): parents and offspring are sorted into
 * fronts, filled front by front, the last front cut by crowding distance (larger first, ties by position).
 * Asks that come before the generation's tells are bred from the current population (asynchronous use).
 * All state lives in typed buffers sized at construction: no allocation per ask, tell or generation.
 */

import { fail } from '../errors.js';
import { crowdingDistanceInto, nonDominatedRanksInto, sortIndices } from '../pareto/index.js';
import { Rng } from '../rng.js';
import { type AllowedChoices, AllowedSpace } from '../space/allowed.js';
import { type BernoulliThreshold, bernoulliThreshold } from './bernoulli.js';
import { DEFAULT_POPULATION } from './options.js';
import { checked } from './re.js';
import type { Strategy, StrategyConfig, StrategyOptions, TellHook } from './types.js';

export class Nsga2 implements Strategy {
  readonly name = 'nsga2';
  readonly space: AllowedSpace;
  readonly populationSize: number;
  private readonly crossoverRate: number;
  private readonly rng: Rng;
  private readonly m: number;
  /** Parent population (popSize members; 0 before the first survival): arch, objectives, rank, crowding. */
  private readonly popArch: Float64Array;
  private readonly popObj: Float64Array;
  private readonly rank: Int32Array;
  private readonly crowd: Float64Array;
  private popSize = 0;
  /** Offspring told this generation (infeasible +Infinity already replaced, see finiteWorst). */
  private readonly poolArch: Float64Array;
  private readonly poolObj: Float64Array;
  private poolSize = 0;
  /** The second child of the last bred pair, asked next. */
  private readonly pending = new Float64Array(2);
  private pendingHead = 0;
  private pendingSize = 0;
  private asked = 0;
  private lastAsked = -1;
  /** Per-decision mutation probability 1 / (mutable decisions), and the integer forms of the draws. */
  private mutationRate = 0;
  private mutationDraw: BernoulliThreshold | undefined;
  private readonly crossoverDraw: BernoulliThreshold | undefined;
  /** 1 for decisions with at least two allowed choices (the ones mutation may change). */
  private readonly mutableDecision: Uint8Array;
  // survival scratch, parents + offspring (2N)
  private readonly allArch: Float64Array;
  private readonly allObj: Float64Array;
  private readonly allRank: Int32Array;
  /** Members of front f at fronts[frontStart[f] .. frontStart[f + 1]), ascending. */
  private readonly fronts: Int32Array;
  private readonly frontStart: Int32Array;
  private readonly frontCrowd: Float64Array;
  private readonly keep: Int32Array;
  private readonly cut: Int32Array;
  private readonly sortScratch: Int32Array;
  /** Cut order of the last front: larger crowding first, ties (Infinity included) by position. */
  private readonly cutLess: (a: number, b: number) => boolean;
  private cutStart = 0;
  /** Adaptive pruning's hook, told after every tell (search/adaptive.ts). */
  private hook: TellHook | null = null;

  constructor(cfg: StrategyConfig, opts: StrategyOptions = {}) {
    const n = opts.population ?? DEFAULT_POPULATION;
    const pc = opts.crossover ?? 0.9;
    if (!Number.isInteger(n) || n < 2) fail(`NSGA-II population must be an integer >= 2, got ${n}`);
    if (!(pc >= 0 && pc <= 1)) fail(`crossover probability must be in [0, 1], got ${pc}`);
    this.populationSize = n;
    this.crossoverRate = pc;
    this.space = new AllowedSpace(cfg.radix, cfg.allowed);
    this.rng = new Rng(cfg.seed);
    const m = cfg.objectives;
    this.m = m;
    this.popArch = new Float64Array(n);
    this.popObj = new Float64Array(n * m);
    this.rank = new Int32Array(n);
    this.crowd = new Float64Array(n);
    this.poolArch = new Float64Array(n);
    this.poolObj = new Float64Array(n * m);
    this.allArch = new Float64Array(2 * n);
    this.allObj = new Float64Array(2 * n * m);
    this.allRank = new Int32Array(2 * n);
    this.fronts = new Int32Array(2 * n);
    this.frontStart = new Int32Array(2 * n + 1);
    this.frontCrowd = new Float64Array(2 * n);
    this.keep = new Int32Array(n);
    this.cut = new Int32Array(2 * n);
    this.sortScratch = new Int32Array(2 * n);
    this.crossoverDraw = bernoulliThreshold(pc);
    this.mutableDecision = new Uint8Array(this.space.decisions);
    this.refreshMutation();
    const cd = this.frontCrowd;
    this.cutLess = (a, b) => {
      const x = cd[this.cutStart + a]!;
      const y = cd[this.cutStart + b]!;
      return x !== y ? x > y : a < b;
    };
  }

  /** Per-decision mutation rate 1 / (mutable decisions) and which decisions are mutable, from the space. */
  private refreshMutation(): void {
    this.mutationRate = 1 / this.space.mutableCount;
    this.mutationDraw = bernoulliThreshold(this.mutationRate);
    for (let d = 0; d < this.space.decisions; d++) this.mutableDecision[d] = this.space.allowedCount(d) >= 2 ? 1 : 0;
  }

  setTellHook(hook: TellHook | null): void {
    this.hook = hook;
  }

  widen(allowed: AllowedChoices): void {
    this.space.widen(allowed);
    this.refreshMutation();
  }

  setSoft(p: number): void {
    this.space.setSoft(p);
  }

  /** Current parent population (a copy). */
  population(): number[] {
    return Array.from(this.popArch.subarray(0, this.popSize));
  }

  ask(): number {
    if (this.asked++ < this.populationSize || this.popSize === 0) {
      this.lastAsked = this.space.random(this.rng);
    } else {
      if (this.pendingHead === this.pendingSize) this.breed();
      this.lastAsked = this.pending[this.pendingHead++]!;
    }
    return this.lastAsked;
  }

  tell(arch: number, objectives: ArrayLike<number>): void {
    if (objectives.length !== this.m) fail(`told ${objectives.length} objectives, expected ${this.m}`);
    this.checkArch(arch);
    const at = this.poolSize * this.m;
    for (let o = 0; o < this.m; o++) this.poolObj[at + o] = toldValue(arch, objectives[o]!);
    this.admit(arch);
    if (this.hook !== null) this.hook.told(objectives, 0);
  }

  tellFrom(arch: number, values: Float64Array, offset: number): void {
    this.checkArch(arch);
    const at = this.poolSize * this.m;
    for (let o = 0; o < this.m; o++) this.poolObj[at + o] = toldValue(arch, values[offset + o]!);
    this.admit(arch);
    if (this.hook !== null) this.hook.told(values, offset);
  }

  private checkArch(arch: number): void {
    // asked architectures are in the space by construction; only foreign ones need the check
    if (arch !== this.lastAsked && !this.space.contains(arch))
      fail(`architecture ${arch} is not in the (pruned) space`);
  }

  private admit(arch: number): void {
    this.poolArch[this.poolSize++] = arch;
    if (this.poolSize === this.populationSize) this.survive();
  }

  private breed(): void {
    const pend = this.pending;
    const a = this.popArch[this.tournament()]!;
    const b = this.popArch[this.tournament()]!;
    this.crossover(a, b);
    for (let k = 0; k < 2; k++) pend[k] = this.mutate(pend[k]!, a, b);
    this.pendingHead = 0;
    this.pendingSize = 2;
  }

  /** The two children of a and b before mutation, into `pending`. */
  private crossover(a: number, b: number): void {
    const pend = this.pending;
    pend[0] = a;
    pend[1] = b;
    if (!this.draw(this.crossoverDraw, this.crossoverRate)) return;
    const sp = this.space;
    for (let d = 0; d < sp.decisions; d++) {
      if (this.draw(HALF, 0.5)) {
        // decision d of the children is still a's and b's: swapping it moves them by opposite amounts
        const delta = sp.withCode(a, d, sp.code(b, d)) - a;
        pend[0]! += delta;
        pend[1]! -= delta;
      }
    }
  }

  private mutate(child: number, a: number, b: number): number {
    const sp = this.space;
    const nm = sp.mutableCount;
    if (nm === 0) return child;
    for (let d = 0; d < sp.decisions; d++) {
      if (this.mutableDecision[d] === 1 && this.draw(this.mutationDraw, this.mutationRate)) {
        child = sp.setDecision(child, d, this.rng);
      }
    }
    if (child === a || child === b) child = sp.mutate(child, this.rng);
    return child;
  }

  /** rng.nextFloat() < p, through the integer threshold when p has one (see bernoulli.ts: no boxed doubles). */
  private draw(th: BernoulliThreshold | undefined, p: number): boolean {
    return th ? this.rng.nextInt(th.n) < th.t : this.rng.nextFloat() < p;
  }

  /** Binary tournament: two members drawn with replacement; crowded comparison, first drawn on ties. */
  private tournament(): number {
    const n = this.popSize;
    const i = this.rng.nextInt(n);
    const j = this.rng.nextInt(n);
    if (this.rank[j]! < this.rank[i]!) return j;
    if (this.rank[j] === this.rank[i] && this.crowd[j]! > this.crowd[i]!) return j;
    return i;
  }

  /** Elitist survival of parents + offspring, then rank and crowding of the survivors for the tournaments. */
  private survive(): void {
    const m = this.m;
    const n = this.populationSize;
    const parents = this.popSize;
    const total = parents + this.poolSize;
    if (parents > 0) {
      this.allArch.set(this.popArch, 0);
      this.allObj.set(this.popObj, 0);
    }
    this.allArch.set(this.poolArch, parents);
    this.allObj.set(this.poolObj, parents * m);
    this.poolSize = 0;
    nonDominatedRanksInto(this.allObj, m, total, this.allRank);
    const frontCount = this.groupFronts(this.allRank, total);
    let kept = 0;
    for (let f = 0; f < frontCount && kept < n; f++) {
      const start = this.frontStart[f]!;
      const size = this.frontStart[f + 1]! - start;
      if (kept + size <= n) {
        for (let t = 0; t < size; t++) this.keep[kept++] = this.fronts[start + t]!;
        continue;
      }
      // the last front that does not fit: larger crowding distance first, ties by position
      crowdingDistanceInto(this.allObj, m, this.fronts, start, size, this.frontCrowd);
      for (let t = 0; t < size; t++) this.cut[t] = t;
      this.cutStart = start;
      sortIndices(this.cut, size, this.cutLess, this.sortScratch);
      for (let t = 0; kept < n; t++) this.keep[kept++] = this.fronts[start + this.cut[t]!]!;
    }
    for (let i = 0; i < kept; i++) {
      const k = this.keep[i]!;
      this.popArch[i] = this.allArch[k]!;
      for (let o = 0; o < m; o++) this.popObj[i * m + o] = this.allObj[k * m + o]!;
    }
    this.popSize = kept;
    // rank and crowding within the new population drive the next tournaments
    nonDominatedRanksInto(this.popObj, m, kept, this.rank);
    const popFronts = this.groupFronts(this.rank, kept);
    for (let f = 0; f < popFronts; f++) {
      const start = this.frontStart[f]!;
      const size = this.frontStart[f + 1]! - start;
      crowdingDistanceInto(this.popObj, m, this.fronts, start, size, this.frontCrowd);
      for (let t = start; t < start + size; t++) this.crowd[this.fronts[t]!] = this.frontCrowd[t]!;
    }
    this.pendingHead = 0;
    this.pendingSize = 0;
  }

  /** Counting sort of points 0..count-1 by rank into `fronts` / `frontStart`; returns the number of fronts. */
  private groupFronts(rank: Int32Array, count: number): number {
    const start = this.frontStart;
    let fronts = 0;
    for (let i = 0; i < count; i++) if (rank[i]! + 1 > fronts) fronts = rank[i]! + 1;
    start.fill(0, 0, fronts + 1);
    for (let i = 0; i < count; i++) start[rank[i]! + 1]!++;
    for (let f = 0; f < fronts; f++) start[f + 1]! += start[f]!;
    // fill ascending by point index; start[f] advances to the end of front f, then is restored
    for (let i = 0; i < count; i++) this.fronts[start[rank[i]!]!++] = i;
    for (let f = fronts; f > 0; f--) start[f] = start[f - 1]!;
    start[0] = 0;
    return fronts;
  }
}

/**
 * A told objective as stored: NaN and -Infinity are user errors (`checked`); +Infinity (infeasible) becomes
 * the largest finite value, as src/pareto takes finite points only and every infeasible architecture is
 * equally worst either way. `checked` runs only on the error path: a double passed to or returned by a call
 * V8 does not inline is boxed, and this runs twice per evaluation.
 */
const HALF = bernoulliThreshold(0.5);

function toldValue(arch: number, v: number): number {
  if (!(v > Number.NEGATIVE_INFINITY)) checked(arch, v); // NaN or -Infinity
  return v === Number.POSITIVE_INFINITY ? Number.MAX_VALUE : v;
}
