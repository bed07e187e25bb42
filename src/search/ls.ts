/**
 * Pareto local search (Paquete et al. 2004) on the mixed-radix neighbourhood: neighbours of an architecture
 * differ in exactly one decision (any other allowed choice). It keeps an archive of the non-dominated
 * architectures told so far; each step takes an unexplored archive member (uniformly at random), queues
 * its not-yet-asked neighbours in random order and marks it explored. It starts from `init` (default 10)
 * random architectures and restarts from a random one whenever the archive has nothing left to explore.
 */
import { fail } from '../errors.js';
import { Rng } from '../rng.js';
import { AllowedSpace } from './allowed.js';
import { checked } from './re.js';
import type { Strategy, StrategyConfig, StrategyOptions } from './types.js';

interface Member {
  arch: number;
  obj: number[];
  explored: boolean;
}

export class ParetoLocalSearch implements Strategy {
  readonly name = 'ls';
  readonly space: AllowedSpace;
  private readonly rng: Rng;
  private readonly m: number;
  private readonly init: number;
  private archive: Member[] = [];
  private queue: number[] = [];
  private readonly askedSet = new Set<number>();
  private asked = 0;

  constructor(cfg: StrategyConfig, opts: StrategyOptions = {}) {
    const init = opts.init ?? 10;
    if (!Number.isInteger(init) || init < 1) fail(`local search init must be a positive integer, got ${init}`);
    this.init = init;
    this.space = new AllowedSpace(cfg.radix, cfg.allowed);
    this.rng = new Rng(cfg.seed);
    this.m = cfg.objectives;
  }

  /** The non-dominated architectures told so far, in insertion order. */
  archiveArchs(): number[] {
    return this.archive.map((a) => a.arch);
  }

  ask(): number {
    const arch = this.next();
    this.askedSet.add(arch);
    this.asked++;
    return arch;
  }

  private next(): number {
    if (this.asked < this.init) return this.space.random(this.rng);
    while (this.queue.length === 0) {
      const open = this.archive.filter((a) => !a.explored);
      if (open.length === 0) return this.space.random(this.rng); // restart
      const member = open[this.rng.nextInt(open.length)]!;
      member.explored = true;
      const neighbours: number[] = [];
      for (let d = 0; d < this.space.decisions; d++) {
        const own = this.space.code(member.arch, d);
        for (const c of this.space.allowedOf(d)) {
          if (c === own) continue;
          const nb = this.space.withCode(member.arch, d, c);
          if (!this.askedSet.has(nb)) neighbours.push(nb);
        }
      }
      this.queue = this.rng.shuffle(neighbours);
    }
    return this.queue.shift()!;
  }

  tell(arch: number, objectives: ArrayLike<number>): void {
    if (objectives.length !== this.m) fail(`told ${objectives.length} objectives, expected ${this.m}`);
    if (!this.space.contains(arch)) fail(`architecture ${arch} is not in the (pruned) space`);
    const obj = Array.from(objectives, (v) => checked(arch, v));
    for (const a of this.archive) {
      if (a.arch === arch || dominates(a.obj, obj)) return;
    }
    this.archive = this.archive.filter((a) => !dominates(obj, a.obj));
    this.archive.push({ arch, obj, explored: false });
  }
}

/** x dominates y (all <=, one <). Equal vectors do not dominate: different architectures with equal objectives both stay. */
function dominates(x: readonly number[], y: readonly number[]): boolean {
  let lt = false;
  for (let i = 0; i < x.length; i++) {
    if (x[i]! > y[i]!) return false;
    if (x[i]! < y[i]!) lt = true;
  }
  return lt;
}
