/**
 * What the report of an open-problem search (`hwnas open-search --out DIR`) shows, rebuilt from the
 * folder alone: search.json (settings, reference point) and history.jsonl (every evaluation). Convergence
 * is recomputed from the history with the search's own reference, so the report's numbers are the ones
 * of trace.csv and front.csv, and the plots get a denser grid than trace.csv's 1, 2, 5, 10, ... points.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  commonHvCurves,
  logCheckpoints,
  type OpenCheckpoint,
  type OpenConvergence,
  openConvergence,
  type TimeCurve,
} from '../distributed/convergence.js';
import { objectiveVector } from '../distributed/evaluator.js';
import {
  type HeaderRecord,
  type LoadedHistory,
  type RungRecord,
  readHistory,
  type TellRecord,
} from '../distributed/history.js';
import { fail, isHwnasError } from '../errors.js';
import type { ObjectiveSpec } from '../objectives/direction.js';
import { getSpace } from '../space/all.js';
import type { Notations, SearchSpace } from '../space/types.js';

export const OPEN_FILES = { search: 'search.json', history: 'history.jsonl' } as const;

/** `open`: a finished or stopped open search; `unfinished`: a history without search.json; else `none`. */
export function openSearchFolderKind(folder: string): 'open' | 'unfinished' | 'none' {
  const history = existsSync(join(folder, OPEN_FILES.history));
  if (history && existsSync(join(folder, OPEN_FILES.search))) return 'open';
  return history ? 'unfinished' : 'none';
}

/** The fields of search.json the report reads (written by src/cli/open-search.ts). */
export interface SearchJson {
  study: string;
  space: string;
  strategy: string;
  seed: number;
  evals: number;
  concurrency: number;
  evaluation: string;
  objectives: ObjectiveSpec[];
  told: number;
  failed: number;
  replayed: number;
  redispatched: number;
  stopped: boolean;
  wallSeconds: number;
  reference: OpenConvergence['reference'];
  /** With --early-stop: the settings, evaluations stopped, each rung's entries and promotions. */
  earlyStop?: { kind: string; eta: number; min: number; max: number; stopped: number };
}

/** Early stopping as the history tells it: each rung, and the fidelity each evaluation reached. */
export interface EarlyStopReport {
  eta: number;
  min: number;
  max: number;
  rungs: { rung: number; level: number; entries: number; promoted: number; stopped: number }[];
  /** Every evaluation told successfully, in tell order: the fidelity it reached (absent: no progress reported). */
  reached: { n: number; arch: number; fidelity?: number; stopped: boolean }[];
}

/** This search against another of the same problem (`hwnas report DIR --baseline OTHER`), on one HV scale. */
export interface BaselineReport {
  folder: string;
  study: string;
  earlyStop: boolean;
  reference: OpenConvergence['reference'];
  curve: TimeCurve;
  baseline: TimeCurve;
  wallSeconds: number;
  baselineWallSeconds: number;
}

export interface EvaluatedPoint {
  index: number;
  /** Evaluation number (0-based, ask order) of its first successful result. */
  n: number;
  objectives: Record<string, number>;
  onFront: boolean;
}

export interface FailedEvaluation {
  n: number;
  arch: number;
  reason: string;
  worker?: string;
}

export interface FailureGroup {
  /** The reason with the architecture's index and notation replaced by `<arch>`. */
  reason: string;
  count: number;
  /** Evaluation number of the first failure in the group. */
  first: number;
}

export interface FrontRow {
  index: number;
  n: number;
  notations: Notations;
  objectives: Record<string, number>;
}

export interface OpenReportData {
  folder: string;
  search: SearchJson;
  /** The resume config of the history header (strategy options, budget, ...). */
  config: Record<string, unknown>;
  /** Space of the search, or undefined when it cannot be loaded here (then `spaceNote` says why). */
  space?: SearchSpace;
  spaceNote?: string;
  specs: ObjectiveSpec[];
  tells: TellRecord[];
  ok: number;
  failedEvals: FailedEvaluation[];
  failureGroups: FailureGroup[];
  /** Distinct successful architectures in tell order (first result of each). */
  evaluated: EvaluatedPoint[];
  front: FrontRow[];
  /** trace.csv's checkpoints. */
  trace: OpenCheckpoint[];
  /** Every evaluation up to 400, else 400 evenly spaced plus the trace's: for the plots. */
  curve: OpenCheckpoint[];
  earlyStop?: EarlyStopReport;
  baseline?: BaselineReport;
}

function readSearchJson(path: string): SearchJson {
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(
      `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`,
      'rerun the same hwnas open-search command',
    );
  }
  const s = j as Partial<SearchJson> | null;
  const specsOk =
    Array.isArray(s?.objectives) &&
    s.objectives.length > 0 &&
    s.objectives.every((o) => typeof o?.name === 'string' && (o.direction === 'min' || o.direction === 'max'));
  if (!s || typeof s !== 'object' || typeof s.space !== 'string' || !specsOk || typeof s.reference !== 'object') {
    fail(`${path} is not the search.json of hwnas open-search`, 'rerun the same hwnas open-search command');
  }
  return s as SearchJson;
}

/** Evaluations 1..n when n <= points, else `points` evenly spaced ones, plus the given checkpoints. */
export function curveGrid(n: number, checkpoints: number[], points = 400): number[] {
  const set = new Set<number>(checkpoints.filter((c) => c >= 1 && c <= n));
  if (n <= points) for (let k = 1; k <= n; k++) set.add(k);
  else for (let k = 1; k <= points; k++) set.add(Math.max(1, Math.round((k * n) / points)));
  return [...set].sort((a, b) => a - b);
}

/**
 * Failures often differ only in the architecture they name: group them by the reason without it. The
 * index is replaced only where a word says it is one (`architecture 17`, `arch=17`, `index 17`), so
 * `exit code 1` of architecture 1 stays as it is; the printed notation is replaced when it is long enough
 * not to be mistaken for another number.
 */
export function reasonPattern(reason: string, arch: number, formatted?: string): string {
  let r = reason;
  if (formatted !== undefined && formatted.length >= 4) r = r.split(formatted).join('<arch>');
  return r.replace(new RegExp(`\\b(architecture|arch|index)([\\s:=#-]*)${arch}(?!\\d)`, 'gi'), '$1$2<arch>');
}

function loadSpace(id: string): { space?: SearchSpace; note?: string } {
  try {
    return { space: getSpace(id) };
  } catch (e) {
    if (!isHwnasError(e)) throw e;
    return {
      note: `space '${id}' is not known here, so architectures are shown by index only; \`hwnas report DIR --space FILE.json\` shows every notation`,
    };
  }
}

/** Each evaluation number told once: a resumed history may repeat a tell (as the search skips it). */
function firstTells(loaded: LoadedHistory): TellRecord[] {
  const toldSet = new Set<number>();
  const tells: TellRecord[] = [];
  for (const rec of loaded.records) {
    if (rec.type !== 'tell' || toldSet.has(rec.n)) continue;
    toldSet.add(rec.n);
    tells.push(rec);
  }
  return tells;
}

function earlyStopReport(search: SearchJson, loaded: LoadedHistory, tells: TellRecord[]): EarlyStopReport | undefined {
  const es = search.earlyStop;
  if (!es) return undefined;
  const rungRecs = loaded.records.filter((r): r is RungRecord => r.type === 'rung');
  const rungs: EarlyStopReport['rungs'] = [];
  for (let f = es.min, k = 0; f < es.max * (1 - 1e-9); f *= es.eta, k++) {
    const at = rungRecs.filter((r) => r.rung === k);
    const promoted = at.filter((r) => r.decision === 'continue').length;
    rungs.push({ rung: k, level: f, entries: at.length, promoted, stopped: at.length - promoted });
  }
  const reached = tells
    .filter((t) => t.ok)
    .map((t) => ({
      n: t.n,
      arch: t.arch,
      ...(t.fidelity !== undefined ? { fidelity: t.fidelity } : {}),
      stopped: t.stopped === true,
    }));
  return { eta: es.eta, min: es.min, max: es.max, rungs, reached };
}

function baselineReport(search: SearchJson, tells: TellRecord[], baselineFolder: string): BaselineReport {
  if (openSearchFolderKind(baselineFolder) !== 'open')
    fail(
      `--baseline '${baselineFolder}' holds no finished open search (search.json and history.jsonl)`,
      'give the --out folder of another hwnas open-search of the same problem',
    );
  const other = readSearchJson(join(baselineFolder, OPEN_FILES.search));
  const loaded = readHistory(join(baselineFolder, OPEN_FILES.history));
  if (!loaded) fail(`${join(baselineFolder, OPEN_FILES.history)} is empty`, 'give a finished open search');
  const same = (a: ObjectiveSpec[], b: ObjectiveSpec[]) =>
    a.length === b.length && a.every((s, k) => s.name === b[k]!.name && s.direction === b[k]!.direction);
  if (other.space !== search.space || !same(other.objectives, search.objectives))
    fail(
      `--baseline '${baselineFolder}' searched another problem (space ${other.space}, objectives ${other.objectives.map((o) => `${o.name}:${o.direction}`).join(',')})`,
      'compare two searches of the same space and objectives',
    );
  const a = search.reference;
  const b = other.reference;
  const ref = a.kind === 'explicit' && b.kind === 'explicit' && a.ref.join() === b.ref.join() ? [...a.ref] : undefined;
  const common = commonHvCurves([tells, firstTells(loaded)], search.objectives, ref ? { ref } : {});
  return {
    folder: baselineFolder,
    study: other.study,
    earlyStop: other.earlyStop !== undefined,
    reference: common.reference,
    curve: common.curves[0]!,
    baseline: common.curves[1]!,
    wallSeconds: search.wallSeconds,
    baselineWallSeconds: other.wallSeconds,
  };
}

/**
 * `space`: the search's space when the caller has it (open-search itself, or `hwnas report --space FILE`
 * for a user-defined JSON space, which search.json names only by its name).
 */
export function loadOpenReport(folder: string, opts: { space?: SearchSpace; baseline?: string } = {}): OpenReportData {
  const kind = openSearchFolderKind(folder);
  if (kind !== 'open') {
    fail(
      kind === 'unfinished'
        ? `'${folder}' holds an open search that never finished a session (no ${OPEN_FILES.search})`
        : `'${folder}' holds no open search (no ${OPEN_FILES.history})`,
      'rerun the same `hwnas open-search` command: it resumes from history.jsonl and writes the report',
    );
  }
  const search = readSearchJson(join(folder, OPEN_FILES.search));
  const loaded = readHistory(join(folder, OPEN_FILES.history));
  if (!loaded) fail(`${join(folder, OPEN_FILES.history)} is empty`, 'rerun the same hwnas open-search command');
  const specs = search.objectives;
  const tells = firstTells(loaded);
  if (opts.space && opts.space.id !== search.space) {
    fail(
      `space '${opts.space.id}' is not the space of this search ('${search.space}')`,
      'give the space file the search used',
    );
  }
  const { space, note } = opts.space ? { space: opts.space, note: undefined } : loadSpace(search.space);
  const format = (a: number): string | undefined => {
    if (!space) return undefined;
    try {
      return space.format(a);
    } catch {
      return undefined;
    }
  };

  const ref = search.reference.kind === 'explicit' ? search.reference.ref : undefined;
  const traceAt = logCheckpoints(tells.length);
  const grid = curveGrid(tells.length, traceAt);
  const conv = openConvergence(tells, specs, { ...(ref ? { ref } : {}), checkpoints: grid });
  const traceSet = new Set(traceAt);
  const trace = conv.checkpoints.filter((c) => traceSet.has(c.evals));

  // A result the search counted as failed (missing or non-finite objective) is a failure here too.
  const vec = new Float64Array(specs.length);
  const failedEvals: FailedEvaluation[] = [];
  const groups = new Map<string, FailureGroup>();
  const onFront = new Set(conv.front.map((f) => f.index));
  const seen = new Set<number>();
  const evaluated: EvaluatedPoint[] = [];
  let ok = 0;
  for (const t of tells) {
    const why = t.ok && t.objectives ? objectiveVector(t.objectives, specs, vec) : (t.reason ?? 'failed');
    if (why !== undefined) {
      failedEvals.push({ n: t.n, arch: t.arch, reason: why, ...(t.worker !== undefined ? { worker: t.worker } : {}) });
      const key = reasonPattern(why, t.arch, format(t.arch));
      const g = groups.get(key);
      if (g) g.count++;
      else groups.set(key, { reason: key, count: 1, first: t.n });
      continue;
    }
    ok++;
    if (seen.has(t.arch)) continue;
    seen.add(t.arch);
    evaluated.push({ index: t.arch, n: t.n, objectives: t.objectives!, onFront: onFront.has(t.arch) });
  }
  const failureGroups = [...groups.values()].sort((a, b) => b.count - a.count || a.first - b.first);
  const front = conv.front.map((f) => ({
    index: f.index,
    n: f.n,
    notations: space ? space.notations(f.index) : { index: f.index },
    objectives: f.objectives,
  }));
  return {
    folder,
    search,
    config: loaded.header.config as HeaderRecord['config'],
    ...(space ? { space } : {}),
    ...(note ? { spaceNote: note } : {}),
    specs,
    tells,
    ok,
    failedEvals,
    failureGroups,
    evaluated,
    front,
    trace,
    curve: conv.checkpoints,
    ...(search.earlyStop ? { earlyStop: earlyStopReport(search, loaded, tells)! } : {}),
    ...(opts.baseline !== undefined ? { baseline: baselineReport(search, tells, opts.baseline) } : {}),
  };
}
