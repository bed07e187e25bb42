/**
 * A strategy under adaptive pruning: the strategy searches the pruned space and, after every tell, the
 * schedule (prune/adaptive.ts) decides whether removed blocks come back (`widen`) and what the soft
 * probability is now (`setSoft`). It is a tell hook, not a wrapper: asks are the strategy's own, and once
 * nothing is left to restore (and no soft pruning) the hook detaches, so the rest of the search costs what a
 * plain one costs. Since the schedule is a pure function of the tells, a fresh strategy replayed with the
 * same asks and tells is in the same state: resume works as for any strategy.
 */
import { fail } from '../errors.js';
import type { AdaptiveSchedule } from '../prune/adaptive.js';
import type { Strategy, TellHook } from './types.js';

/** Strategies that mutate: the only ones soft pruning acts on. */
export const SOFT_STRATEGIES: readonly string[] = ['re', 'nsga2'];

const schedules = new WeakMap<Strategy, AdaptiveSchedule>();

/** The schedule a strategy runs under (its restores so far), or undefined without adaptive pruning. */
export function adaptiveScheduleOf(strategy: Strategy): AdaptiveSchedule | undefined {
  return schedules.get(strategy);
}

class AdaptiveHook implements TellHook {
  private lastSoft = -1;
  private readonly soft: boolean;

  constructor(
    private readonly strategy: Strategy,
    private readonly schedule: AdaptiveSchedule,
  ) {
    this.soft = schedule.rule.soft !== null;
    if (this.soft) this.updateSoft();
  }

  told(values: ArrayLike<number>, offset: number): void {
    const s = this.schedule;
    if (s.observe(values, offset)) this.strategy.widen!(s.allowed());
    if (this.soft) this.updateSoft();
    else if (s.remaining() === 0) this.strategy.setTellHook!(null);
  }

  private updateSoft(): void {
    const p = this.schedule.softProbability();
    if (p !== this.lastSoft) {
      this.lastSoft = p;
      this.strategy.setSoft!(p);
    }
  }
}

/** Put `strategy` under the schedule: it must be able to widen (and, for soft pruning, to mutate softly). */
export function attachSchedule(strategy: Strategy, schedule: AdaptiveSchedule): Strategy {
  if (!strategy.widen || !strategy.setTellHook)
    fail(`strategy ${strategy.name} cannot run adaptive pruning`, 'use re, nsga2, ls or random');
  if (schedule.rule.soft && !strategy.setSoft)
    fail(
      `soft pruning acts through mutation, which ${strategy.name} does not use`,
      `use --strategy ${SOFT_STRATEGIES.join(' or ')}, or a restore rule (after, every, stall)`,
    );
  strategy.setTellHook(new AdaptiveHook(strategy, schedule));
  schedules.set(strategy, schedule);
  return strategy;
}
