/**
 * What the dashboard shows of an open-search folder, from its history.jsonl (followed as it grows) and its
 * search.json once a session finished: HV and front size against evaluations and wall time (on a grid of
 * at most 400 evaluations, extended as tells arrive: live-curve.ts), the front with its notations
 * and counts, a thinned cloud of the other evaluations, evaluations in flight, failures grouped by
 * reason, per-worker activity, and the fidelity of each evaluation when the evaluator reports one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { objectiveVector } from '../distributed/evaluator.js';
import type { TellRecord } from '../distributed/history.js';
import type { ObjectiveSpec } from '../objectives/direction.js';
import { reasonPattern } from '../report/open.js';
import type { SearchSpace } from '../space/types.js';
import { archCounts, type spaceOf } from './arch.js';
import { HistoryTail } from './history-tail.js';
import { LiveCurve } from './live-curve.js';
import { HISTORY_FILE, SEARCH_FILE } from './scan.js';
import { openStatus, type RunStatus } from './status.js';
import { thin } from './study-view.js';

export const MAX_CLOUD = 3000;
const MAX_COUNTED = 600;
/** Objective keys an evaluator can use to say at which fidelity (epochs, budget) it evaluated. */
const FIDELITY_KEYS = ['fidelity', 'epochs', 'budget'];

interface SearchJsonLite {
  evals: number;
  told: number;
  stopped: boolean;
  reference?: { kind: string; ref: number[] };
}

export interface OpenPoint {
  arch: number;
  n: number;
  label: string;
  objectives: Record<string, number>;
  front: boolean;
  params?: number;
  macs?: number;
  peak?: number;
}

export interface OpenSummaryOut {
  id: string;
  kind: 'open';
  status: RunStatus;
  done: number;
  /** The budget, once a session wrote search.json (the history does not record it); else null. */
  total: number | null;
  evals: number;
  bestHv: number | null;
}

export interface OpenView extends OpenSummaryOut {
  study: string;
  space: string;
  strategy: string;
  specs: ObjectiveSpec[];
  config: Record<string, unknown>;
  ok: number;
  failed: number;
  wallSeconds: number;
  curve: { evals: number; seconds: number; ok: number; front: number; hv: number }[];
  front: OpenPoint[];
  cloud: OpenPoint[];
  inFlight: { n: number; arch: number; label: string }[];
  failures: { reason: string; count: number; first: number }[];
  recentFailures: { n: number; arch: number; reason: string; worker: string | null }[];
  workers: { worker: string; evals: number; failed: number; meanMs: number; lastSeconds: number }[];
  fidelity: { key: string; counts: { value: number; evals: number }[] } | null;
  badLines: number;
}

function readSearchJson(folder: string): SearchJsonLite | null {
  const path = join(folder, SEARCH_FILE);
  if (!existsSync(path)) return null;
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Partial<SearchJsonLite>;
    if (typeof j.evals !== 'number' || typeof j.told !== 'number') return null;
    return {
      evals: j.evals,
      told: j.told,
      stopped: j.stopped === true,
      ...(j.reference ? { reference: j.reference } : {}),
    };
  } catch {
    // written atomically: a parse failure is a foreign file, shown as a search without one
    return null;
  }
}

/** One followed history per folder (the server keeps them between requests). */
export class OpenFolder {
  readonly tail: HistoryTail;
  private cache: { tells: number; view: OpenView; searchSig: string } | null = null;
  private curve: { key: string; tells: readonly TellRecord[]; live: LiveCurve } | null = null;

  constructor(
    readonly id: string,
    readonly folder: string,
    private readonly spaces: typeof spaceOf,
  ) {
    this.tail = new HistoryTail(join(folder, HISTORY_FILE));
  }

  view(): OpenView {
    this.tail.update();
    const search = readSearchJson(this.folder);
    const searchSig = JSON.stringify(search);
    const t = this.tail;
    // The status can change with time alone (a quiet history): the view is rebuilt only when data changed.
    if (this.cache && this.cache.tells === t.tells.length && this.cache.searchSig === searchSig) {
      const status = openStatus(this.folder, search, t.tells.length, t.lastIsStop);
      return { ...this.cache.view, status, inFlight: this.inFlight(this.cache.view.space) };
    }
    const view = this.build(search);
    this.cache = { tells: t.tells.length, view, searchSig };
    return view;
  }

  summary(): OpenSummaryOut {
    const v = this.view();
    return { id: v.id, kind: 'open', status: v.status, done: v.done, total: v.total, evals: v.evals, bestHv: v.bestHv };
  }

  private inFlight(spaceId: string): OpenView['inFlight'] {
    const space = this.spaces(spaceId);
    return this.tail
      .inFlight()
      .slice(0, 200)
      .map((f) => ({ ...f, label: labelOf(space, f.arch) }));
  }

  private build(search: SearchJsonLite | null): OpenView {
    const t = this.tail;
    const header = t.header;
    const cfg = (header?.config ?? {}) as Record<string, unknown>;
    const specs = (Array.isArray(cfg.objectives) ? cfg.objectives : []) as ObjectiveSpec[];
    const spaceId = typeof cfg.space === 'string' ? cfg.space : '';
    const space = spaceId ? this.spaces(spaceId) : undefined;
    const tells = t.tells;
    const ref = search?.reference?.kind === 'explicit' ? search.reference.ref : undefined;
    // One curve per history and reference, extended with the new tells (a replaced history starts one anew).
    const key = JSON.stringify([header?.study, specs, ref ?? null]);
    if (!this.curve || this.curve.key !== key || this.curve.tells !== tells)
      this.curve = { key, tells, live: new LiveCurve(specs, ref) };
    this.curve.live.extend(tells);
    const conv = specs.length > 0 ? this.curve.live.result() : { checkpoints: [], front: [] };
    const onFront = new Set(conv.front.map((f) => f.index));
    const vec = new Float64Array(specs.length);
    const groups = new Map<string, { reason: string; count: number; first: number }>();
    const failedList: OpenView['recentFailures'] = [];
    const workers = new Map<string, { evals: number; failed: number; ms: number; last: number }>();
    const fidelity = new Map<string, Map<number, number>>();
    const cloud: TellRecord[] = [];
    const seen = new Set<number>();
    let ok = 0;
    for (const r of tells) {
      const w = r.worker ?? 'local';
      const ws = workers.get(w) ?? { evals: 0, failed: 0, ms: 0, last: 0 };
      ws.evals++;
      ws.ms += r.ms;
      ws.last = Math.max(ws.last, r.t);
      workers.set(w, ws);
      const why = r.ok && r.objectives ? objectiveVector(r.objectives, specs, vec) : (r.reason ?? 'failed');
      if (why !== undefined) {
        ws.failed++;
        failedList.push({ n: r.n, arch: r.arch, reason: why, worker: r.worker ?? null });
        const key = reasonPattern(why, r.arch, space ? labelOf(space, r.arch) : undefined);
        const g = groups.get(key);
        if (g) g.count++;
        else groups.set(key, { reason: key, count: 1, first: r.n });
        continue;
      }
      ok++;
      for (const k of FIDELITY_KEYS) {
        const v = r.objectives?.[k];
        if (typeof v !== 'number' || specs.some((s) => s.name === k)) continue;
        const m = fidelity.get(k) ?? new Map<number, number>();
        m.set(v, (m.get(v) ?? 0) + 1);
        fidelity.set(k, m);
      }
      if (seen.has(r.arch)) continue;
      seen.add(r.arch);
      if (!onFront.has(r.arch)) cloud.push(r);
    }
    let counted = 0;
    const toPoint = (arch: number, n: number, objectives: Record<string, number>, front: boolean): OpenPoint => {
      const p: OpenPoint = { arch, n, label: labelOf(space, arch), objectives, front };
      if (front && space && counted++ < MAX_COUNTED) Object.assign(p, safeCounts(space, arch));
      return p;
    };
    const last = conv.checkpoints[conv.checkpoints.length - 1];
    const fid = [...fidelity.entries()][0];
    return {
      id: this.id,
      kind: 'open',
      status: openStatus(this.folder, search, tells.length, t.lastIsStop),
      done: tells.length,
      total: search ? search.evals : null,
      evals: tells.length,
      bestHv: last ? last.hv : null,
      study: header?.study ?? '',
      space: spaceId,
      strategy: typeof cfg.strategy === 'string' ? cfg.strategy : '',
      specs,
      config: cfg,
      ok,
      failed: tells.length - ok,
      wallSeconds: tells.reduce((m, r) => Math.max(m, r.t), 0) / 1000,
      curve: conv.checkpoints.map((c) => ({ evals: c.evals, seconds: c.seconds, ok: c.ok, front: c.front, hv: c.hv })),
      front: conv.front.map((f) => toPoint(f.index, f.n, f.objectives, true)),
      cloud: thin(cloud, MAX_CLOUD).map((r) => toPoint(r.arch, r.n, r.objectives!, false)),
      inFlight: this.inFlight(spaceId),
      failures: [...groups.values()].sort((a, b) => b.count - a.count || a.first - b.first).slice(0, 50),
      recentFailures: failedList.slice(-20).reverse(),
      workers: [...workers.entries()]
        .map(([worker, s]) => ({
          worker,
          evals: s.evals,
          failed: s.failed,
          meanMs: s.evals ? s.ms / s.evals : 0,
          lastSeconds: s.last / 1000,
        }))
        .sort((a, b) => (a.worker < b.worker ? -1 : a.worker > b.worker ? 1 : 0)),
      fidelity: fid
        ? {
            key: fid[0],
            counts: [...fid[1].entries()].sort((a, b) => a[0] - b[0]).map(([value, evals]) => ({ value, evals })),
          }
        : null,
      badLines: t.badLines,
    };
  }

  /** The objectives this search measured for `arch` (its first successful evaluation), or null. */
  objectivesOf(arch: number): { n: number; objectives: Record<string, number> } | null {
    this.tail.update();
    for (const r of this.tail.tells)
      if (r.arch === arch && r.ok && r.objectives) return { n: r.n, objectives: r.objectives };
    return null;
  }
}

function labelOf(space: SearchSpace | undefined, arch: number): string {
  if (!space) return String(arch);
  try {
    return space.format(arch);
  } catch {
    return String(arch);
  }
}

function safeCounts(space: SearchSpace, arch: number) {
  try {
    return archCounts(space, arch);
  } catch {
    return {};
  }
}
