/**
 * Adaptive pruning: the search starts in the pruned space and removed blocks come back as it goes.
 * A rule says when: `after=k` (everything at evaluation k), `every=k` (a step every k evaluations),
 * `stall=w` (a step when the found front's hypervolume has not grown for w evaluations), and `soft=p`
 * (removed blocks stay reachable through mutation with a probability that grows with the stall).
 * The schedule is a pure function of the sequence of told objective vectors: no randomness, so a search
 * replayed from its history restores the same blocks at the same evaluations. See docs/pruning.md.
 */
import { fail } from '../errors.js';
import { checkRatio } from './prune.js';

/** How removed blocks come back. `step` is blocks per decision per restore (Infinity: all of them). */
export type RestoreRule =
  | { kind: 'after'; at: number }
  | { kind: 'every'; every: number; step: number }
  | { kind: 'stall'; window: number; step: number };

export interface AdaptiveRule {
  restore: RestoreRule | null;
  /** Soft pruning: mutation reaches removed blocks with p = min(1, p0 * (1 + stall / grow)). */
  soft: { p0: number; grow: number } | null;
}

/** Step of `every` when none is given: one block per decision per restore. */
export const DEFAULT_EVERY_STEP = 1;
/** Step of `stall` when none is given: every removed block comes back at the first stall. */
export const DEFAULT_STALL_STEP = Number.POSITIVE_INFINITY;
/** Stall length over which the soft probability grows by p0 when `grow` is not given. */
export const DEFAULT_SOFT_GROW = 100;
/** The rule of `adaptive:<metric>@<ratio>` without one (chosen by bench/pruning-adaptive.bench.ts). */
export const DEFAULT_ADAPTIVE_RULE = 'stall=5';
/**
 * The best adaptive setting of the sweep (bench/pruning-adaptive.bench.ts, docs/pruning.md): the row the
 * default study (`hwnas reproduce`) adds to the poster's settings. Canonical form.
 */
export const DEFAULT_ADAPTIVE_SETTING = 'adaptive:latency@0.2:stall=5,step=all';

const KEYS = ['after', 'every', 'stall', 'step', 'soft', 'grow'] as const;
type Key = (typeof KEYS)[number];

const RULE_HINT = 'e.g. stall=5, after=25, every=25,step=1 or soft=0.25,grow=100 (docs/pruning.md)';

/** A rule's text (`stall=100,step=all`) -> its parts, every refusal one line. */
export function parseAdaptiveRule(text: string): AdaptiveRule {
  const given = new Map<Key, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (!(KEYS as readonly string[]).includes(key))
      fail(`unknown adaptive pruning rule '${part.trim()}' in '${text}'`, `use ${KEYS.join(', ')}: ${RULE_HINT}`);
    if (eq < 0) fail(`adaptive pruning rule '${key}' needs a value`, RULE_HINT);
    if (given.has(key as Key)) fail(`adaptive pruning rule '${key}' given twice in '${text}'`, RULE_HINT);
    given.set(key as Key, part.slice(eq + 1).trim());
  }
  const restores = (['after', 'every', 'stall'] as const).filter((k) => given.has(k));
  if (restores.length > 1)
    fail(`adaptive pruning takes one restore rule, got ${restores.join(' and ')} in '${text}'`, RULE_HINT);
  if (given.has('step') && !(given.has('every') || given.has('stall')))
    fail(`'step' needs 'every' or 'stall' in '${text}'`, 'step is the blocks per decision each restore brings back');
  if (given.has('grow') && !given.has('soft'))
    fail(`'grow' needs 'soft' in '${text}'`, 'grow is the stall length over which the soft probability grows');
  const step = (fallback: number) => {
    const t = given.get('step');
    return t === undefined ? fallback : t === 'all' ? Number.POSITIVE_INFINITY : count('step', t);
  };
  let restore: RestoreRule | null = null;
  if (given.has('after')) restore = { kind: 'after', at: count('after', given.get('after')!) };
  else if (given.has('every'))
    restore = { kind: 'every', every: count('every', given.get('every')!), step: step(DEFAULT_EVERY_STEP) };
  else if (given.has('stall'))
    restore = { kind: 'stall', window: count('stall', given.get('stall')!), step: step(DEFAULT_STALL_STEP) };
  let soft: AdaptiveRule['soft'] = null;
  if (given.has('soft')) {
    const t = given.get('soft')!;
    const p0 = Number(t);
    if (t === '' || !(p0 > 0 && p0 <= 1))
      fail(
        `soft pruning probability must be in (0, 1], got '${t}'`,
        'e.g. soft=0.05: one mutation in 20 may reach a removed block',
      );
    const g = given.get('grow');
    soft = { p0, grow: g === undefined ? DEFAULT_SOFT_GROW : count('grow', g) };
  }
  if (!restore && !soft) fail(`adaptive pruning rule '${text}' restores nothing`, RULE_HINT);
  return { restore, soft };
}

/** A window or evaluation count: a positive integer, whatever was typed. */
function count(key: string, text: string): number {
  const n = Number(text);
  if (text === '' || !Number.isInteger(n) || n < 1)
    fail(`adaptive pruning '${key}' must be a positive integer (evaluations), got '${text}'`, RULE_HINT);
  return n;
}

/** The canonical text of a rule: every parameter spelled out, defaults included, in a fixed order. */
export function formatAdaptiveRule(rule: AdaptiveRule): string {
  const parts: string[] = [];
  const r = rule.restore;
  const step = (s: number) => (s === Number.POSITIVE_INFINITY ? 'all' : String(s));
  if (r?.kind === 'after') parts.push(`after=${r.at}`);
  if (r?.kind === 'every') parts.push(`every=${r.every}`, `step=${step(r.step)}`);
  if (r?.kind === 'stall') parts.push(`stall=${r.window}`, `step=${step(r.step)}`);
  if (rule.soft) parts.push(`soft=${rule.soft.p0}`, `grow=${rule.soft.grow}`);
  return parts.join(',');
}

/** A pruning setting: none, fixed (`<metric>@<ratio>`) or adaptive (`adaptive:<metric>@<ratio>[:<rule>]`). */
export interface PruningSpec {
  /** Canonical text: `none`, `params/latency@0.7`, `adaptive:latency@0.7:stall=100,step=all`. */
  spec: string;
  metric: string | null;
  ratio: number;
  adaptive: AdaptiveRule | null;
}

const SPEC_HINT =
  "use 'none', <metric>@<ratio> or adaptive:<metric>@<ratio>[:<rule>], e.g. params/latency@0.7, random@70% or adaptive:latency@0.7:stall=100";

/** `none`, `metric@0.7`, `metric@70%`, `adaptive:metric@0.7[:rule]` -> the canonical setting. */
export function parsePruningSpec(text: string): PruningSpec {
  const t = text.trim();
  if (t === 'none' || t === '0' || t === '0%') return { spec: 'none', metric: null, ratio: 0, adaptive: null };
  const isAdaptive = t.startsWith('adaptive:');
  let body = isAdaptive ? t.slice('adaptive:'.length) : t;
  let ruleText: string | undefined;
  if (isAdaptive) {
    const colon = body.indexOf(':', body.lastIndexOf('@') + 1);
    if (colon >= 0) {
      ruleText = body.slice(colon + 1);
      body = body.slice(0, colon);
    }
  }
  const at = body.lastIndexOf('@');
  if (at <= 0) fail(`bad pruning setting '${text}'`, SPEC_HINT);
  const metric = body.slice(0, at);
  const r = body.slice(at + 1);
  const pct = r.endsWith('%');
  const num = Number(pct ? r.slice(0, -1) : r);
  const ratio = pct ? num / 100 : num;
  if (r === '' || !Number.isFinite(ratio) || ratio < 0 || ratio >= 1) {
    fail(`bad pruning ratio in '${text}'`, 'the ratio must be in [0, 1) (or a percentage below 100%)');
  }
  // Round away binary noise from percentages (70% -> 0.7).
  const clean = Number(ratio.toFixed(6));
  if (!isAdaptive) {
    if (clean === 0) return { spec: 'none', metric: null, ratio: 0, adaptive: null };
    return { spec: `${metric}@${clean}`, metric, ratio: clean, adaptive: null };
  }
  if (clean === 0)
    fail(
      `adaptive pruning at ratio 0 in '${text}' removes nothing`,
      'give a ratio in (0, 1), e.g. adaptive:latency@0.7',
    );
  const rule = parseAdaptiveRule(ruleText ?? DEFAULT_ADAPTIVE_RULE);
  return { spec: `adaptive:${metric}@${clean}:${formatAdaptiveRule(rule)}`, metric, ratio: clean, adaptive: rule };
}

/**
 * The schedule of one search: told objective vectors in, allowed choices out. `removed` is each
 * decision's removed codes in removal order (worst first, as `pruneSpace` gives them): a restore step
 * brings back the last-removed (best-scored) ones first.
 *
 * "The hypervolume grew" is decided without a reference point: with any reference point worse than every
 * point seen, the dominated region grows exactly when a told vector is finite and weakly dominated by
 * no earlier one, so that is what is checked (an archive of the non-dominated vectors told).
 */
export class AdaptiveSchedule {
  readonly rule: AdaptiveRule;
  private readonly removed: number[][];
  private readonly baseAllowed: number[][];
  /** Restored count per decision (from the end of its removal list). */
  private readonly restored: number[];
  /** Blocks still removed, over all decisions. */
  private left: number;
  /** Feasible evaluations told so far. */
  private evals = 0;
  /** Evaluations since the last one that grew the hypervolume. */
  private stallRun = 0;
  private readonly needsArchive: boolean;
  /** Non-dominated told vectors, row-major; for 2 objectives sorted by the first (the second descending). */
  private archive: number[] = [];
  /** (evaluation, blocks restored in all) of every restore, in order. */
  readonly events: { evals: number; restored: number }[] = [];

  constructor(
    rule: AdaptiveRule,
    allowed: readonly (readonly number[])[],
    removed: readonly (readonly number[])[],
    private readonly m: number,
  ) {
    if (allowed.length !== removed.length) fail('allowed and removed choices cover different decisions');
    this.rule = rule;
    this.baseAllowed = allowed.map((a) => [...a]);
    this.removed = removed.map((r) => [...r]);
    this.restored = removed.map(() => 0);
    this.left = removed.reduce((a, r) => a + r.length, 0);
    this.needsArchive = rule.soft !== null || rule.restore?.kind === 'stall';
  }

  /** Allowed choices now, ascending per decision. */
  allowed(): number[][] {
    return this.baseAllowed.map((a, d) => {
      const r = this.removed[d]!;
      return [...a, ...r.slice(r.length - this.restored[d]!)].sort((x, y) => x - y);
    });
  }

  /** Blocks still removed, over all decisions. */
  remaining(): number {
    return this.left;
  }

  /** Feasible evaluations told so far. */
  get evaluations(): number {
    return this.evals;
  }

  /** Evaluations since the hypervolume last grew. */
  get stall(): number {
    return this.stallRun;
  }

  /** Soft-pruning probability now: p0 * (1 + stall / grow), at most 1; 0 without soft pruning. */
  softProbability(): number {
    const s = this.rule.soft;
    if (!s) return 0;
    return Math.min(1, s.p0 * (1 + this.stallRun / s.grow));
  }

  /**
   * One told vector (minimised objectives at values[offset ..]). Returns true when blocks were restored:
   * the caller widens the strategy's space to `allowed()`. Infeasible (non-finite) vectors are no
   * evaluation and change nothing.
   */
  observe(values: ArrayLike<number>, offset: number): boolean {
    const m = this.m;
    for (let o = 0; o < m; o++) if (!Number.isFinite(values[offset + o]!)) return false;
    this.evals++;
    if (this.needsArchive) {
      if (this.improves(values, offset)) this.stallRun = 0;
      else this.stallRun++;
    }
    const r = this.rule.restore;
    if (r === null || this.left === 0) return false;
    if (r.kind === 'after') return this.evals === r.at ? this.restore(Number.POSITIVE_INFINITY) : false;
    if (r.kind === 'every') return this.evals % r.every === 0 ? this.restore(r.step) : false;
    if (this.stallRun >= r.window) {
      this.stallRun = 0;
      return this.restore(r.step);
    }
    return false;
  }

  private restore(step: number): boolean {
    let any = 0;
    this.removed.forEach((r, d) => {
      const add = Math.min(step, r.length - this.restored[d]!);
      this.restored[d]! += add;
      any += add;
    });
    this.left -= any;
    if (any === 0) return false;
    this.events.push({ evals: this.evals, restored: this.restored.reduce((a, b) => a + b, 0) });
    return true;
  }

  /** Whether the vector is weakly dominated by no archived one; if so it joins the archive. */
  private improves(values: ArrayLike<number>, offset: number): boolean {
    return this.m === 2 ? this.improves2(values[offset]!, values[offset + 1]!) : this.improvesM(values, offset);
  }

  private improves2(x: number, y: number): boolean {
    const a = this.archive;
    const n = a.length / 2;
    // last member with first objective <= x (binary search; the archive is sorted by it)
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[2 * mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i >= 0 && a[2 * i + 1]! <= y) return false;
    // drop the members the new point weakly dominates: first objective >= x and second >= y, contiguous
    let j = lo;
    if (i >= 0 && a[2 * i]! === x) j = i; // same first objective, worse second: dominated
    let k = j;
    while (k < n && a[2 * k + 1]! >= y) k++;
    a.splice(2 * j, 2 * (k - j), x, y);
    return true;
  }

  private improvesM(values: ArrayLike<number>, offset: number): boolean {
    const m = this.m;
    const a = this.archive;
    const n = a.length / m;
    for (let i = 0; i < n; i++) {
      let weak = true;
      for (let o = 0; o < m && weak; o++) weak = a[i * m + o]! <= values[offset + o]!;
      if (weak) return false;
    }
    const kept: number[] = [];
    for (let i = 0; i < n; i++) {
      let dominated = true;
      for (let o = 0; o < m && dominated; o++) dominated = values[offset + o]! <= a[i * m + o]!;
      if (!dominated) for (let o = 0; o < m; o++) kept.push(a[i * m + o]!);
    }
    for (let o = 0; o < m; o++) kept.push(values[offset + o]!);
    this.archive = kept;
    return true;
  }
}

/** Check a ratio of an adaptive setting given as a number (library callers). */
export function checkAdaptiveRatio(ratio: number): void {
  checkRatio(ratio);
  if (ratio === 0) fail('adaptive pruning at ratio 0 removes nothing', 'give a ratio in (0, 1)');
}
