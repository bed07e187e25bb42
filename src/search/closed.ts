/**
 * Drive a strategy on a closed benchmark: every ask is answered from the table at once. The budget is in
 * evaluations: every asked architecture counts (as in Real et al.), or with `unique` only architectures not
 * evaluated before (repeats are still told, from the table, but do not count).
 */
import { fail } from '../errors.js';
import type { Strategy } from './types.js';

export interface RunClosedOptions {
  /** Count only new architectures towards the budget. */
  unique?: boolean;
  /**
   * With `unique`: stop early after this many consecutive repeats (the strategy is stuck in an exhausted
   * space). Default 100,000.
   */
  maxRepeats?: number;
  /**
   * Feasibility per architecture (1 = feasible), e.g. from `--constraint`. With a mask, an infeasible
   * architecture, or one whose objectives are missing (NaN), is told +Infinity for every objective (the
   * strategy learns it is worst) and costs no evaluation: it is not counted, not returned in `archs`.
   */
  feasible?: Uint8Array;
  /** Treat architectures with missing (non-finite) objectives as infeasible (implied by `feasible`). */
  allowMissing?: boolean;
  /** With a mask: fail after this many consecutive infeasible asks (default 1,000,000). */
  maxInfeasible?: number;
}

export interface ClosedRun {
  /** Architecture index evaluated at each counted step, in order (with `unique`: each new one once). */
  archs: Int32Array;
  /** Asks made, repeats and infeasible ones included. */
  asks: number;
  /** Asks answered +Infinity because the architecture was infeasible or missing (only with a mask). */
  infeasible?: number;
}

export function runClosed(
  strategy: Strategy,
  objectives: Float64Array,
  m: number,
  evals: number,
  opts: RunClosedOptions = {},
): ClosedRun {
  if (!Number.isInteger(m) || m < 1) fail(`objective count must be a positive integer, got ${m}`);
  if (objectives.length % m !== 0) fail(`objective table length ${objectives.length} is not a multiple of ${m}`);
  if (!Number.isInteger(evals) || evals < 0) fail(`evaluation budget must be a non-negative integer, got ${evals}`);
  const n = objectives.length / m;
  const archs = new Int32Array(evals);
  const tellFrom = strategy.tellFrom?.bind(strategy);
  let asks = 0;
  const check = (a: number): number => {
    if (!(a >= 0 && a < n && Number.isInteger(a)))
      fail(`strategy asked for architecture ${a}, outside the table of ${n}`);
    const off = a * m;
    for (let o = 0; o < m; o++) {
      const v = objectives[off + o]!;
      if (!Number.isFinite(v)) {
        fail(
          `objective ${o} of architecture ${a} is ${v}`,
          'closed benchmarks need finite objectives for every architecture searched',
        );
      }
    }
    return off;
  };
  const tell = (a: number, off: number): void => {
    if (tellFrom) tellFrom(a, objectives, off);
    else strategy.tell(a, objectives.subarray(off, off + m));
  };
  if (opts.feasible || opts.allowMissing) return runMasked(strategy, objectives, m, evals, opts, check, tell);
  if (!opts.unique && tellFrom) {
    // the hot loop of closed benchmarks, written out: no closures, no views
    for (let i = 0; i < evals; i++) {
      const a = strategy.ask();
      const off = a * m;
      let ok = a >= 0 && a < n && (a | 0) === a;
      for (let o = 0; o < m && ok; o++) ok = Number.isFinite(objectives[off + o]!);
      if (!ok) check(a);
      tellFrom(a, objectives, off);
      archs[i] = a;
    }
    return { archs, asks: evals };
  }
  if (!opts.unique) {
    for (let i = 0; i < evals; i++) {
      const a = strategy.ask();
      tell(a, check(a));
      archs[i] = a;
    }
    return { archs, asks: evals };
  }
  const seen = new Uint8Array(n);
  const maxRepeats = opts.maxRepeats ?? 100_000;
  let count = 0;
  let repeats = 0;
  while (count < evals && repeats < maxRepeats) {
    const a = strategy.ask();
    asks++;
    tell(a, check(a));
    if (seen[a]) {
      repeats++;
      continue;
    }
    seen[a] = 1;
    repeats = 0;
    archs[count++] = a;
  }
  return { archs: count === evals ? archs : archs.slice(0, count), asks };
}

/**
 * The driver with feasibility: infeasible or missing architectures are told a row of +Infinity (read from
 * one preallocated buffer, so the loop still allocates nothing) and do not count towards the budget.
 */
function runMasked(
  strategy: Strategy,
  objectives: Float64Array,
  m: number,
  evals: number,
  opts: RunClosedOptions,
  check: (a: number) => number,
  tell: (a: number, off: number) => void,
): ClosedRun {
  const n = objectives.length / m;
  const feasible = opts.feasible;
  if (feasible && feasible.length !== n)
    fail(`feasibility mask has ${feasible.length} entries but the table has ${n} architectures`);
  const maxInfeasible = opts.maxInfeasible ?? 1_000_000;
  const maxRepeats = opts.maxRepeats ?? 100_000;
  const infinite = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  const tellInfinite = strategy.tellFrom
    ? (a: number) => strategy.tellFrom!(a, infinite, 0)
    : (a: number) => strategy.tell(a, infinite);
  const seen = opts.unique ? new Uint8Array(n) : null;
  const archs = new Int32Array(evals);
  let count = 0;
  let asks = 0;
  let infeasible = 0;
  let run = 0; // consecutive infeasible asks
  let repeats = 0;
  const tooMany = (): never =>
    fail(
      `${run} architectures in a row were infeasible or missing (${count} of ${evals} evaluations done)`,
      'almost nothing in this (pruned) space is feasible: relax --constraint, prune less, or cover more architectures',
    );
  const tellFrom = strategy.tellFrom?.bind(strategy);
  if (tellFrom && !seen && feasible) {
    // the hot loop of constrained studies, written out as the unmasked one: no closures, no views
    while (count < evals) {
      const a = strategy.ask();
      asks++;
      if (!(a >= 0 && a < n && (a | 0) === a)) check(a);
      const off = a * m;
      let ok = feasible[a] === 1;
      for (let o = 0; o < m && ok; o++) ok = Number.isFinite(objectives[off + o]!);
      if (ok) {
        run = 0;
        tellFrom(a, objectives, off);
        archs[count++] = a;
      } else {
        tellFrom(a, infinite, 0);
        infeasible++;
        if (++run >= maxInfeasible) tooMany();
      }
    }
    return { archs, asks, infeasible };
  }
  while (count < evals) {
    const a = strategy.ask();
    asks++;
    if (!(a >= 0 && a < n && (a | 0) === a)) check(a);
    const off = a * m;
    let ok = feasible === undefined || feasible[a] === 1;
    for (let o = 0; o < m && ok; o++) ok = Number.isFinite(objectives[off + o]!);
    if (!ok) {
      tellInfinite(a);
      infeasible++;
      if (++run >= maxInfeasible) tooMany();
      continue;
    }
    run = 0;
    tell(a, off);
    if (seen) {
      if (seen[a]) {
        if (++repeats >= maxRepeats) break;
        continue;
      }
      seen[a] = 1;
      repeats = 0;
    }
    archs[count++] = a;
  }
  return { archs: count === evals ? archs : archs.slice(0, count), asks, infeasible };
}
