/**
 * Multi-objective asynchronous successive halving (ASHA, Li et al. 2020; multi-objective ranking as
 * MO-ASHA, Schmucker et al. 2021), stopping variant: rungs sit at fidelities min, min*eta, min*eta^2, ...
 * below max. An evaluation that reports a fidelity reaching its next rung enters that rung with the
 * objectives of that report, and is decided at once, against the entries the rung holds so far:
 *
 * - the rung's entries (itself included) are ordered by non-dominated rank (Deb et al. 2002), then by
 *   crowding distance within the rank, larger first (the first copy of duplicate points in entry order
 *   keeps the distance, later copies get 0), then by entry order (earlier first);
 * - with k entries, the rung may have promoted at most floor(k / eta) of them: the newcomer continues
 *   when it is among the first floor(k / eta) of that order AND fewer than floor(k / eta) were promoted,
 *   else it is stopped. So no rung ever promotes more than 1/eta of its entries, and the first eta - 1
 *   entries of a rung are always stopped (there is no evidence yet that they are good).
 *
 * Decisions are final: a stopped evaluation never enters a later rung (reports after the stop are ignored),
 * and an evaluation enters each rung at most once, so a rerun after a worker crash (reporting fidelity 1,
 * 2, ... again) is not entered twice. All objectives are minimised (maximised ones negated by the caller).
 */
import { fail } from '../errors.js';
import { crowdingDistance, nonDominatedRanks } from '../pareto/index.js';

export interface AshaConfig {
  /** Reduction factor: 1/eta of a rung continues (>= 2). */
  eta: number;
  /** Fidelity of the first rung (> 0). */
  min: number;
  /** Fidelity of a full evaluation (>= min): no rung at or above it. */
  max: number;
}

export type RungDecision = 'continue' | 'stop';

export interface RungVerdict {
  /** Rung index (0 = the rung at `min`). */
  rung: number;
  /** Fidelity of the rung. */
  level: number;
  decision: RungDecision;
}

/** Small slack so that fidelities like 0.1 * 3 reach the rung at 0.3. */
const SLACK = 1e-9;

/** Rung fidelities min * eta^k below max. */
export function rungLevels(c: AshaConfig): number[] {
  checkAshaConfig(c);
  const out: number[] = [];
  for (let f = c.min; f < c.max * (1 - SLACK); f *= c.eta) out.push(f);
  return out;
}

export function checkAshaConfig(c: AshaConfig): void {
  if (!(Number.isFinite(c.eta) && c.eta >= 2))
    fail(`--early-stop asha: eta must be a number >= 2, got ${c.eta}`, 'e.g. asha:eta=3');
  if (!(Number.isFinite(c.min) && c.min > 0))
    fail(`--early-stop asha: min must be a positive number, got ${c.min}`, 'e.g. asha:min=1');
  if (!(Number.isFinite(c.max) && c.max >= c.min))
    fail(
      `--early-stop asha: max (${c.max}) must be a number >= min (${c.min})`,
      'e.g. asha:min=1,max=9 (fidelity units: epochs, ...)',
    );
}

interface Rung {
  /** Evaluation number of each entry, in entry order. */
  ns: number[];
  /** Minimised objective vectors of the entries, row-major. */
  points: number[];
  promoted: number;
}

export class AshaRungs {
  readonly levels: readonly number[];
  private readonly rungs: Rung[];
  /** Rungs entered so far per evaluation. */
  private readonly entered = new Map<number, number>();
  private readonly stopped = new Set<number>();

  constructor(
    readonly config: AshaConfig,
    /** Objectives per vector. */
    readonly m: number,
  ) {
    this.levels = rungLevels(config);
    this.rungs = this.levels.map(() => ({ ns: [], points: [], promoted: 0 }));
  }

  isStopped(n: number): boolean {
    return this.stopped.has(n);
  }

  /** True when a report of evaluation n at `fidelity` makes it enter its next rung. */
  due(n: number, fidelity: number): boolean {
    if (this.stopped.has(n)) return false;
    const k = this.entered.get(n) ?? 0;
    return k < this.levels.length && fidelity >= this.levels[k]! * (1 - SLACK);
  }

  /** Enter evaluation n into its next rung with objectives `vec` (minimised) and decide. */
  enter(n: number, vec: ArrayLike<number>): RungVerdict {
    if (this.stopped.has(n)) throw new Error(`evaluation ${n} was stopped: it enters no further rung`);
    const k = this.entered.get(n) ?? 0;
    if (k >= this.levels.length) throw new Error(`evaluation ${n} has entered every rung`);
    if (vec.length !== this.m) throw new Error(`objective vector of ${vec.length}, expected ${this.m}`);
    const rung = this.rungs[k]!;
    rung.ns.push(n);
    for (let j = 0; j < this.m; j++) rung.points.push(vec[j]!);
    this.entered.set(n, k + 1);
    const size = rung.ns.length;
    const quota = Math.floor(size / this.config.eta);
    const promote = quota > 0 && rung.promoted < quota && this.position(rung, size - 1) < quota;
    if (promote) rung.promoted++;
    else this.stopped.add(n);
    return { rung: k, level: this.levels[k]!, decision: promote ? 'continue' : 'stop' };
  }

  /** 0-based position of entry `e` in the rung's order (rank, crowding descending, entry order). */
  private position(rung: Rung, e: number): number {
    const order = rungOrder(Float64Array.from(rung.points), this.m);
    return order.indexOf(e);
  }

  /** Entries and promotions per rung. */
  summary(): { level: number; entries: number; promoted: number }[] {
    return this.rungs.map((r, k) => ({ level: this.levels[k]!, entries: r.ns.length, promoted: r.promoted }));
  }
}

/**
 * Entry indices of a rung's points (row-major, m minimised objectives) in rung order: non-dominated rank
 * ascending, crowding distance within the rank descending, entry index ascending.
 */
export function rungOrder(points: Float64Array, m: number): number[] {
  const n = points.length / m;
  if (n === 0) return [];
  const ranks = nonDominatedRanks(points, m);
  const crowd = new Float64Array(n);
  const byRank = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = ranks[i]!;
    const list = byRank.get(r);
    if (list) list.push(i);
    else byRank.set(r, [i]);
  }
  for (const members of byRank.values()) {
    const d = crowdingDistance(points, m, members);
    members.forEach((i, j) => {
      crowd[i] = d[j]!;
    });
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => ranks[a]! - ranks[b]! || cmpDesc(crowd[a]!, crowd[b]!) || a - b);
  return order;
}

function cmpDesc(x: number, y: number): number {
  if (x === y) return 0;
  return x > y ? -1 : 1;
}
