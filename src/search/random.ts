/** Random search: every ask is an independent uniform draw from the (pruned) space (repeats possible). */
import { Rng } from '../rng.js';
import { type AllowedChoices, AllowedSpace } from '../space/allowed.js';
import { checked } from './re.js';
import type { Strategy, StrategyConfig } from './types.js';

export class RandomSearch implements Strategy {
  readonly name = 'random';
  readonly space: AllowedSpace;
  private readonly rng: Rng;
  private readonly m: number;

  constructor(cfg: StrategyConfig) {
    this.space = new AllowedSpace(cfg.radix, cfg.allowed);
    this.rng = new Rng(cfg.seed);
    this.m = cfg.objectives;
  }

  ask(): number {
    return this.space.random(this.rng);
  }

  tell(arch: number, objectives: ArrayLike<number>): void {
    for (let o = 0; o < this.m; o++) checked(arch, objectives[o]!);
  }

  widen(allowed: AllowedChoices): void {
    this.space.widen(allowed);
  }

  tellFrom(arch: number, values: Float64Array, offset: number): void {
    for (let o = 0; o < this.m; o++) checked(arch, values[offset + o]!);
  }
}
