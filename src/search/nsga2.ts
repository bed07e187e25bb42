/**
 * NSGA-II (Deb et al. 2002) on categorical decisions, ask/tell. Generation 0: `population` (N) random
 * architectures. Offspring: two parents by binary tournament (lower rank, then larger crowding, then the
 * first drawn), uniform crossover with probability `crossover` (default 0.9; each decision swapped with
 * probability 1/2), then each mutable decision mutated with probability 1/(mutable decisions) to a different
 * allowed choice; a child equal to either parent gets one forced mutation so no evaluation is a plain copy.
 * Survival (when N offspring have been told): elitist (mu + lambda): parents and offspring are sorted into
 * fronts, filled front by front, the last front cut by crowding distance (larger first, ties by position).
 * Asks that come before the generation's tells are bred from the current population (asynchronous use).
 */

import { fail } from '../errors.js';
import { crowdingDistance, nonDominatedFronts, nonDominatedRanks } from '../pareto/index.js';
import { Rng } from '../rng.js';
import { AllowedSpace } from './allowed.js';
import { checked } from './re.js';
import type { Strategy, StrategyConfig, StrategyOptions } from './types.js';

export class Nsga2 implements Strategy {
  readonly name = 'nsga2';
  readonly space: AllowedSpace;
  readonly populationSize: number;
  private readonly crossoverRate: number;
  private readonly rng: Rng;
  private readonly m: number;
  private popArch: number[] = [];
  private popObj: number[] = [];
  private rank: Int32Array = new Int32Array(0);
  private crowd = new Float64Array(0);
  private poolArch: number[] = [];
  private poolObj: number[] = [];
  private pending: number[] = [];
  private asked = 0;

  constructor(cfg: StrategyConfig, opts: StrategyOptions = {}) {
    const n = opts.population ?? 100;
    const pc = opts.crossover ?? 0.9;
    if (!Number.isInteger(n) || n < 2) fail(`NSGA-II population must be an integer >= 2, got ${n}`);
    if (!(pc >= 0 && pc <= 1)) fail(`crossover probability must be in [0, 1], got ${pc}`);
    this.populationSize = n;
    this.crossoverRate = pc;
    this.space = new AllowedSpace(cfg.radix, cfg.allowed);
    this.rng = new Rng(cfg.seed);
    this.m = cfg.objectives;
  }

  /** Current parent population (a copy). */
  population(): number[] {
    return [...this.popArch];
  }

  ask(): number {
    if (this.asked++ < this.populationSize || this.popArch.length === 0) return this.space.random(this.rng);
    if (this.pending.length === 0) this.breed();
    return this.pending.shift()!;
  }

  tell(arch: number, objectives: ArrayLike<number>): void {
    if (objectives.length !== this.m) fail(`told ${objectives.length} objectives, expected ${this.m}`);
    if (!this.space.contains(arch)) fail(`architecture ${arch} is not in the (pruned) space`);
    this.poolArch.push(arch);
    for (let o = 0; o < this.m; o++) this.poolObj.push(checked(arch, objectives[o]!));
    if (this.poolArch.length === this.populationSize) this.survive();
  }

  private breed(): void {
    const a = this.popArch[this.tournament()]!;
    const b = this.popArch[this.tournament()]!;
    let c1 = a;
    let c2 = b;
    if (this.rng.nextFloat() < this.crossoverRate) {
      for (let d = 0; d < this.space.decisions; d++) {
        if (this.rng.nextFloat() < 0.5) {
          c1 = this.space.withCode(c1, d, this.space.code(b, d));
          c2 = this.space.withCode(c2, d, this.space.code(a, d));
        }
      }
    }
    this.pending.push(this.mutate(c1, a, b), this.mutate(c2, a, b));
  }

  private mutate(child: number, a: number, b: number): number {
    const sp = this.space;
    const nm = sp.mutableCount;
    if (nm === 0) return child;
    for (let d = 0; d < sp.decisions; d++) {
      if (sp.allowedCount(d) >= 2 && this.rng.nextFloat() < 1 / nm) child = sp.setDecision(child, d, this.rng);
    }
    if (child === a || child === b) child = sp.mutate(child, this.rng);
    return child;
  }

  /** Binary tournament: two members drawn with replacement; crowded comparison, first drawn on ties. */
  private tournament(): number {
    const n = this.popArch.length;
    const i = this.rng.nextInt(n);
    const j = this.rng.nextInt(n);
    if (this.rank[j]! < this.rank[i]!) return j;
    if (this.rank[j] === this.rank[i] && this.crowd[j]! > this.crowd[i]!) return j;
    return i;
  }

  private survive(): void {
    const m = this.m;
    const arch = [...this.popArch, ...this.poolArch];
    // +Infinity (infeasible) -> the largest finite value: src/pareto takes finite points only, and every
    // infeasible architecture is equally worst either way
    const obj = Float64Array.from([...this.popObj, ...this.poolObj], finiteWorst);
    this.poolArch = [];
    this.poolObj = [];
    const keep: number[] = [];
    for (const front of nonDominatedFronts(obj, m)) {
      if (keep.length + front.length <= this.populationSize) {
        keep.push(...front);
        continue;
      }
      const cd = crowdingDistance(obj, m, front);
      const order = front.map((_, i) => i).sort((x, y) => cd[y]! - cd[x]! || x - y);
      for (const i of order.slice(0, this.populationSize - keep.length)) keep.push(front[i]!);
      break;
    }
    this.popArch = keep.map((i) => arch[i]!);
    this.popObj = keep.flatMap((i) => Array.from(obj.subarray(i * m, i * m + m)));
    // rank and crowding within the new population drive the next tournaments
    const pts = Float64Array.from(this.popObj);
    this.rank = nonDominatedRanks(pts, m);
    this.crowd = new Float64Array(keep.length);
    for (const front of nonDominatedFronts(pts, m)) {
      const cd = crowdingDistance(pts, m, front);
      front.forEach((p, i) => {
        this.crowd[p] = cd[i]!;
      });
    }
    this.pending = [];
  }
}

function finiteWorst(v: number): number {
  return v === Number.POSITIVE_INFINITY ? Number.MAX_VALUE : v;
}
