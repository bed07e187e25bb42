/** Random search: every ask is an independent uniform draw from the (pruned) space (repeats possible). */
import { Rng } from '../rng.js';
import { type AllowedChoices, AllowedSpace } from '../space/allowed.js';
import { checked } from './re.js';
import type { Strategy, StrategyConfig, TellHook } from './types.js';

export class RandomSearch implements Strategy {
  readonly name = 'random';
  readonly space: AllowedSpace;
  private readonly rng: Rng;
  private readonly m: number;
  /** Adaptive pruning's hook, told after every tell (search/adaptive.ts). */
  private hook: TellHook | null = null;

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
    if (this.hook !== null) this.hook.told(objectives, 0);
  }

  setTellHook(hook: TellHook | null): void {
    this.hook = hook;
  }

  widen(allowed: AllowedChoices): void {
    this.space.widen(allowed);
  }

  tellFrom(arch: number, values: Float64Array, offset: number): void {
    for (let o = 0; o < this.m; o++) checked(arch, values[offset + o]!);
    if (this.hook !== null) this.hook.told(values, offset);
  }
}
