/**
 * Asynchronous steady-state search for open problems: the strategy keeps `concurrency` evaluations in
 * flight, is told each result as it completes (completion order), and every ask and tell is appended to
 * the history file in the order it happened. Restarting with the same history replays it into a fresh
 * strategy (same seed, so the same asks) and re-dispatches the evaluations that were in flight.
 * With concurrency 1 and an in-process evaluator the run is exactly the synchronous closed run.
 * Failed evaluations are recorded with their reason and not told; an error budget stops the search when
 * most of the recent evaluations fail, and a finished search whose every evaluation failed is an error (it
 * found nothing). With a coverage mask (sources that cover part of the space,
 * `--allow-missing`), asks outside it are told +Infinity at once and cost no evaluation.
 */
import { setMaxListeners } from 'node:events';
import { fail, HwnasError } from '../errors.js';
import { mixSeed } from '../rng.js';
import type { Strategy } from '../search/index.js';
import type { SearchSpace } from '../space/types.js';
import { type AshaConfig, AshaRungs } from './asha.js';
import type { Dispatched, Dispatcher, DispatchHooks } from './dispatch.js';
import { objectiveVector } from './evaluator.js';
import {
  type AskRecord,
  HISTORY_VERSION,
  HistoryWriter,
  type RungRecord,
  readHistory,
  sameConfig,
  type TellRecord,
} from './history.js';
import { EARLY_STOP, type Progress } from './progress.js';
import type { EvalJob, ObjectiveSpec } from './types.js';

export interface ErrorBudget {
  /** Recent evaluations looked at (default 20). */
  window: number;
  /** Stop when more than this share of the window failed (default 0.5). */
  maxFailShare: number;
}

export interface AsyncSearchOptions {
  space: SearchSpace;
  /** A fresh strategy (same seed every call): used once, or to replay a history. */
  createStrategy: () => Strategy;
  objectives: readonly ObjectiveSpec[];
  /** Evaluations in total (failed ones count), over all sessions of the search. */
  evals: number;
  concurrency: number;
  /** Search seed; evaluation k gets seed mixSeed(seed, k). */
  seed: number;
  dispatcher: Dispatcher;
  /** The history file (JSON lines); resumed from when it exists. */
  historyPath: string;
  /** What must match on resume (besides study, seed, objectives added here). */
  config: Record<string, unknown>;
  /** Study id for a new search (default: generated, unique). Resumed searches keep theirs. */
  study?: string;
  /** Passed to every evaluation (epochs, minutes, ...). */
  budget?: unknown;
  errorBudget?: Partial<ErrorBudget>;
  /**
   * The hint of an error-budget stop, given the last failure's reason (default: fix the evaluator
   * command). Lets the caller name an objective source when the failures are the source's.
   */
  stopHint?: (lastReason: string) => string | undefined;
  /**
   * 1 = the architecture can be evaluated (the objective sources cover it). An ask outside is told
   * +Infinity for every objective (the strategy learns it is worst) and costs no evaluation: it is not
   * dispatched, counted or written to the history (a resume with the same mask skips the same asks).
   */
  covered?: Uint8Array;
  /** Stops the search (the coordinator, not the workers): in-flight results are left for a resume. */
  signal?: AbortSignal;
  /**
   * Asynchronous successive halving over the evaluations' progress reports (asha.ts): an evaluation a
   * rung stops is ended (SIGTERM, then SIGKILL after the grace period) and told to the strategy with the
   * objectives of the report that stopped it. Rung entries are written to the history and replayed on
   * resume, so a resumed search decides as an uninterrupted one.
   */
  earlyStop?: AshaConfig;
  /**
   * Wall-clock budget of the search, ms over all its sessions: when it is spent the evaluations in flight
   * are stopped and not told (as at a Ctrl-C), and the search ends as stopped before its budget (its
   * outputs are written). Not part of the search's identity.
   */
  maxMs?: number;
  /** Called after every tell (progress). */
  onTell?: (rec: TellRecord, progress: { told: number; failed: number; inFlight: number }) => void;
}

export interface AsyncSearchResult {
  study: string;
  /** Every tell of the search in order, replayed ones first. */
  tells: TellRecord[];
  /** Tells replayed from the history. */
  replayed: number;
  /** Evaluations re-dispatched after a restart (asked, never told). */
  redispatched: number;
  failed: number;
  /** Asks outside `covered`, told +Infinity without an evaluation (all sessions). */
  uncovered: number;
  /** The signal or the wall-clock budget stopped the search before its evaluation budget. */
  stopped: boolean;
  /** The wall-clock budget (maxMs) ended the search. */
  timeUp: boolean;
  /** Wall time of the whole search, all sessions, ms. */
  wallMs: number;
  /** Early stopping: evaluations stopped early (all sessions) and each rung's entries and promotions. */
  earlyStop?: { stopped: number; rungs: { level: number; entries: number; promoted: number }[] };
}

/** A study id unique enough that queue job ids of two searches never collide. */
export function newStudyId(prefix = 'search'): string {
  const clean = prefix.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40) || 'search';
  const rand = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${clean}-${Date.now().toString(36)}${rand}`;
}

export function checkStudyId(study: string): void {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(study)) {
    fail(`bad study id '${study}'`, 'use 1 to 100 letters, digits, dots, dashes or underscores');
  }
}

/** Consecutive asks outside the coverage mask before the search gives up (as runClosed's default). */
const MAX_UNCOVERED = 1_000_000;

interface Done {
  n: number;
  arch: number;
  started: number;
  res: Dispatched;
}

export async function runAsyncSearch(o: AsyncSearchOptions): Promise<AsyncSearchResult> {
  if (!Number.isInteger(o.evals) || o.evals < 1) fail(`--evals must be a positive integer, got ${o.evals}`);
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1)
    fail(`--concurrency must be a positive integer, got ${o.concurrency}`);
  const window = o.errorBudget?.window ?? 20;
  const maxFailShare = o.errorBudget?.maxFailShare ?? 0.5;
  const m = o.objectives.length;
  const config = { ...o.config, seed: o.seed, objectives: o.objectives, space: o.space.id };

  const strategy = o.createStrategy();
  const vec = new Float64Array(m);
  const rungs = o.earlyStop ? new AshaRungs(o.earlyStop, m) : undefined;
  /** Evaluations a rung stopped: the report that stopped them (what they are told). */
  const stoppedAt = new Map<number, { fidelity: number; objectives: Record<string, number> }>();
  const rungVec = new Float64Array(m);
  const tells: TellRecord[] = [];
  const asks: number[] = []; // arch of evaluation n
  const toldSet = new Set<number>();
  let failed = 0;
  let t0 = 0; // wall time already spent in earlier sessions

  const covered = o.covered;
  if (covered !== undefined && covered.length !== o.space.size)
    fail(`coverage mask has ${covered.length} entries but ${o.space.id} has ${o.space.size} architectures`);
  const infinite = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  let uncovered = 0;
  /** The strategy's next ask that can be evaluated; those outside the mask are told +Infinity on the way. */
  const ask = (): number => {
    let a = strategy.ask();
    if (covered === undefined) return a;
    for (let run = 1; covered[a] !== 1; run++) {
      if (run > MAX_UNCOVERED)
        fail(
          `the strategy asked ${MAX_UNCOVERED} architectures in a row that the objective sources do not cover`,
          'give sources that cover more of the space',
        );
      strategy.tell(a, infinite);
      uncovered++;
      a = strategy.ask();
    }
    return a;
  };

  // Replay the history (if any) into the fresh strategy.
  const loaded = readHistory(o.historyPath);
  let study: string;
  if (loaded) {
    if (!sameConfig(loaded.header.config, config)) {
      fail(
        `${o.historyPath} belongs to a different search (space, strategy, seed or objectives differ)`,
        'rerun with the same options to resume it, or use another --out folder',
      );
    }
    study = loaded.header.study;
    for (const rec of loaded.records) {
      if (rec.type === 'ask') {
        const a = ask();
        if (a !== rec.arch || rec.n !== asks.length) {
          fail(
            `history ${o.historyPath} does not replay: evaluation ${rec.n} asked ${rec.arch}, the strategy now asks ${a}`,
            'the strategy code or its options changed; use another --out folder',
          );
        }
        asks.push(a);
      } else if (rec.type === 'tell') {
        if (toldSet.has(rec.n)) continue;
        toldSet.add(rec.n);
        tells.push(rec);
        t0 = Math.max(t0, rec.t);
        if (rec.ok && rec.objectives && objectiveVector(rec.objectives, o.objectives, vec) === undefined) {
          strategy.tell(rec.arch, vec);
        } else failed++;
      } else if (rec.type === 'rung') {
        // The rung state is rebuilt in the order it was decided: the same decisions come out again.
        const why = objectiveVector(rec.objectives, o.objectives, rungVec);
        const v =
          rungs && why === undefined && rungs.due(rec.n, rec.fidelity) ? rungs.enter(rec.n, rungVec) : undefined;
        if (v === undefined || v.rung !== rec.rung || v.decision !== rec.decision) {
          fail(
            `history ${o.historyPath} does not replay: evaluation ${rec.n} at rung ${rec.rung} was decided '${rec.decision}', the early stopping now decides ${v ? `'${v.decision}' at rung ${v.rung}` : 'nothing'}`,
            'the early-stopping code or its options changed; use another --out folder',
          );
        }
        if (v.decision === 'stop') stoppedAt.set(rec.n, { fidelity: rec.fidelity, objectives: rec.objectives });
        t0 = Math.max(t0, rec.t);
      } else if (rec.type === 'stop') t0 = Math.max(t0, rec.t);
    }
  } else {
    study = o.study ?? newStudyId();
  }
  checkStudyId(study);
  const replayed = tells.length;
  const history = new HistoryWriter(o.historyPath);
  if (!loaded) history.append({ type: 'search', version: HISTORY_VERSION, study, config });

  const pending: number[] = [];
  for (let n = 0; n < asks.length; n++) if (!toldSet.has(n)) pending.push(n);
  const redispatched = pending.length;

  const inner = new AbortController();
  setMaxListeners(0, inner.signal); // one listener per evaluation in flight
  const onOuterAbort = (): void => inner.abort();
  if (o.signal?.aborted) inner.abort();
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  inner.signal.addEventListener('abort', () => wake?.(), { once: true });
  const flights = new Set<Promise<void>>();
  const startWall = performance.now();
  const now = (): number => t0 + (performance.now() - startWall);

  const done: Done[] = [];
  let wake: (() => void) | undefined;
  let inFlight = 0;
  const recent = new Uint8Array(window); // 1 = failed, ring over this session's tells
  let recentCount = 0;
  let recentFailed = 0;
  let lastReason = '';
  let fatal: HwnasError | undefined;
  let timeUp = o.maxMs !== undefined && t0 >= o.maxMs;
  if (timeUp) inner.abort();
  const clock =
    o.maxMs !== undefined && !timeUp
      ? setTimeout(() => {
          timeUp = true;
          inner.abort();
        }, o.maxMs - t0)
      : undefined;

  /** The progress listener of evaluation n: enters it into its rungs, stops it when a rung says so. */
  const progressOf = (n: number, arch: number, stop: AbortController) => (p: Progress) => {
    if (!rungs || toldSet.has(n) || inner.signal.aborted) return;
    if (rungs.isStopped(n)) {
      stop.abort(EARLY_STOP); // a rerun of a stopped evaluation (its worker died before it ended)
      return;
    }
    if (!rungs.due(n, p.fidelity)) return;
    const why = objectiveVector(p.objectives, o.objectives, rungVec);
    if (why !== undefined) {
      progressFailed.set(n, `progress at fidelity ${p.fidelity}: ${why}`);
      stop.abort(EARLY_STOP);
      return;
    }
    while (rungs.due(n, p.fidelity)) {
      const v = rungs.enter(n, rungVec);
      history.append({
        type: 'rung',
        n,
        arch,
        rung: v.rung,
        level: v.level,
        fidelity: p.fidelity,
        objectives: p.objectives,
        decision: v.decision,
        t: Math.round(now() * 1000) / 1000,
      } satisfies RungRecord);
      if (v.decision === 'stop') {
        stoppedAt.set(n, { fidelity: p.fidelity, objectives: p.objectives });
        stop.abort(EARLY_STOP);
      }
    }
  };
  const progressFailed = new Map<number, string>();

  const start = (n: number, resumed: boolean): void => {
    const arch = asks[n]!;
    const stoppedBefore = stoppedAt.get(n);
    if (stoppedBefore !== undefined) {
      // Stopped by a rung before a restart, never told: told now, as it was decided.
      inFlight++;
      done.push({
        n,
        arch,
        started: performance.now(),
        res: { result: { ok: true, objectives: stoppedBefore.objectives, fidelity: stoppedBefore.fidelity } },
      });
      return;
    }
    const job: EvalJob = {
      study,
      evaluation: n,
      space: o.space.id,
      arch,
      seed: mixSeed(o.seed, n),
      notations: o.space.notations(arch),
      ...(o.budget !== undefined ? { budget: o.budget } : {}),
    };
    inFlight++;
    const started = performance.now();
    let hooks: DispatchHooks | undefined;
    if (rungs) {
      const stop = new AbortController();
      hooks = { onProgress: progressOf(n, arch, stop), stop: stop.signal };
    }
    const flight: Promise<void> = o.dispatcher.dispatch(job, inner.signal, resumed, hooks).then(
      (res) => {
        done.push({ n, arch, started, res });
        wake?.();
      },
      (e: unknown) => {
        // A user error of the dispatcher (Redis gone for good) ends the search; the history stays resumable.
        if (e instanceof HwnasError) {
          fatal ??= e;
          wake?.();
          return;
        }
        const reason = `dispatch failed: ${e instanceof Error ? e.message : String(e)}`;
        done.push({ n, arch, started, res: { result: { ok: false, reason } } });
        wake?.();
      },
    );
    flights.add(flight);
    void flight.finally(() => flights.delete(flight));
  };

  const refill = (): void => {
    while (inFlight < o.concurrency && pending.length > 0) start(pending.shift()!, true);
    while (inFlight < o.concurrency && asks.length < o.evals) {
      const arch = ask();
      const n = asks.length;
      asks.push(arch);
      history.append({ type: 'ask', n, arch } satisfies AskRecord);
      start(n, false);
    }
  };

  let budgetStop: string | undefined;
  try {
    if (!inner.signal.aborted) refill();
    while (inFlight > 0 && !inner.signal.aborted && fatal === undefined) {
      if (done.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        if (inner.signal.aborted || fatal !== undefined) break;
      }
      while (done.length > 0) {
        const d = done.shift()!;
        inFlight--;
        let { result } = d.res;
        // A rung's decision wins over what came back: the same tell whatever the timing of the stop.
        const stop = stoppedAt.get(d.n);
        const badProgress = progressFailed.get(d.n);
        if (badProgress !== undefined) result = { ok: false, reason: badProgress };
        else if (stop !== undefined)
          result = { ok: true, objectives: stop.objectives, fidelity: stop.fidelity, stopped: true };
        if (result.ok) {
          const why = objectiveVector(result.objectives, o.objectives, vec);
          if (why !== undefined) result = { ok: false, reason: why };
        }
        const rec: TellRecord = {
          type: 'tell',
          n: d.n,
          arch: d.arch,
          ok: result.ok,
          ...(result.ok ? { objectives: result.objectives } : { reason: result.reason }),
          t: Math.round(now() * 1000) / 1000,
          ms: Math.round((performance.now() - d.started) * 1000) / 1000,
          ...(d.res.worker !== undefined ? { worker: d.res.worker } : {}),
          ...(result.ok && result.fidelity !== undefined ? { fidelity: result.fidelity } : {}),
          ...(stop !== undefined && badProgress === undefined ? { stopped: true } : {}),
        };
        history.append(rec);
        tells.push(rec);
        toldSet.add(d.n);
        if (result.ok) strategy.tell(d.arch, vec);
        else {
          failed++;
          lastReason = result.reason;
        }
        const slot = recentCount % window;
        if (recentCount >= window) recentFailed -= recent[slot]!;
        recent[slot] = result.ok ? 0 : 1;
        recentFailed += recent[slot]!;
        recentCount++;
        o.onTell?.(rec, { told: tells.length, failed, inFlight });
        if (recentCount >= window && recentFailed > maxFailShare * window) {
          budgetStop = `${recentFailed} of the last ${window} evaluations failed (last: ${lastReason})`;
          break;
        }
      }
      if (budgetStop !== undefined) break;
      if (!inner.signal.aborted) refill();
    }
  } finally {
    clearTimeout(clock);
    inner.abort();
    o.signal?.removeEventListener('abort', onOuterAbort);
    // Results that arrive after a stop are not told: a resume dispatches those evaluations again.
    await Promise.allSettled([...flights]);
    if (budgetStop !== undefined) history.append({ type: 'stop', reason: budgetStop, t: now() });
    // The time spent is kept (a resume starts past it), not only the time of the last tell.
    else if (timeUp) history.append({ type: 'stop', reason: 'wall-clock budget spent (--max-seconds)', t: now() });
    history.close();
  }
  if (fatal !== undefined) throw fatal;
  if (budgetStop !== undefined) {
    fail(
      `search stopped: ${budgetStop}`,
      o.stopHint?.(lastReason) ??
        'fix the evaluator (run it by hand on one request, see docs/distributed.md), then rerun the same command to resume',
    );
  }
  const stopped = tells.length < o.evals;
  if ((!stopped || timeUp) && tells.length > 0 && failed === tells.length) {
    const last = [...tells].reverse().find((t) => !t.ok)?.reason ?? lastReason;
    fail(
      `search found nothing: all ${tells.length} evaluations failed (last: ${last})`,
      o.stopHint?.(last) ??
        'fix the evaluator (run it by hand on one request, see docs/distributed.md), then run the search again in another --out folder',
    );
  }
  return {
    study,
    tells,
    replayed,
    redispatched,
    failed,
    uncovered,
    stopped,
    timeUp,
    wallMs: timeUp ? Math.max(now(), o.maxMs!) : now(),
    ...(rungs ? { earlyStop: { stopped: tells.filter((t) => t.stopped).length, rungs: rungs.summary() } } : {}),
  };
}
