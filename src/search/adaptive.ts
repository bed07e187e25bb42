/**
 * A strategy under adaptive pruning: the inner strategy searches the pruned space and, after every tell,
 * the schedule (prune/adaptive.ts) decides whether removed blocks come back (`widen`) and what the soft
 * probability is now (`setSoft`). Asks pass through untouched. Since the schedule is a pure function of
 * the tells, a fresh strategy replayed with the same asks and tells is in the same state: resume works
 * as for any strategy.
 */
import { fail } from '../errors.js';
import type { AdaptiveSchedule } from '../prune/adaptive.js';
import type { Strategy } from './types.js';

/** Strategies that mutate: the only ones soft pruning acts on. */
export const SOFT_STRATEGIES: readonly string[] = ['re', 'nsga2'];

export class AdaptiveStrategy implements Strategy {
  readonly name: string;
  private readonly widenInner: NonNullable<Strategy['widen']>;
  private readonly softInner: ((p: number) => void) | undefined;
  private readonly soft: boolean;
  private readonly m: number;
  private lastSoft = -1;
  private finished = false;

  constructor(
    readonly inner: Strategy,
    readonly schedule: AdaptiveSchedule,
    m: number,
  ) {
    if (!inner.widen) fail(`strategy ${inner.name} cannot run adaptive pruning`, 'use re, nsga2, ls or random');
    this.name = inner.name;
    this.m = m;
    this.widenInner = inner.widen.bind(inner);
    this.soft = schedule.rule.soft !== null;
    if (this.soft && !inner.setSoft)
      fail(
        `soft pruning acts through mutation, which ${inner.name} does not use`,
        `use --strategy ${SOFT_STRATEGIES.join(' or ')}, or a restore rule (after, every, stall)`,
      );
    this.softInner = inner.setSoft?.bind(inner);
    this.updateSoft();
  }

  ask(): number {
    return this.inner.ask();
  }

  tell(arch: number, objectives: ArrayLike<number>): void {
    this.inner.tell(arch, objectives);
    this.after(objectives, 0);
  }

  tellFrom(arch: number, values: Float64Array, offset: number): void {
    if (this.inner.tellFrom) this.inner.tellFrom(arch, values, offset);
    else this.inner.tell(arch, values.subarray(offset, offset + this.m));
    this.after(values, offset);
  }

  private after(values: ArrayLike<number>, offset: number): void {
    // nothing left to restore and no soft pruning: the schedule has no more say
    if (this.finished) return;
    if (this.schedule.observe(values, offset)) this.widenInner(this.schedule.allowed());
    if (this.soft) this.updateSoft();
    else if (this.schedule.remaining() === 0) this.finished = true;
  }

  private updateSoft(): void {
    const p = this.schedule.softProbability();
    if (p !== this.lastSoft) {
      this.lastSoft = p;
      this.softInner?.(p);
    }
  }
}
