/**
 * Progress lines of protocol `hwnas-evaluator/1` (docs/distributed.md): while it runs, an evaluator may
 * print `{"progress": {"fidelity": 3, "objectives": {"accuracy": 61.2}}}` lines on stdout, one per epoch
 * (or any other fidelity unit). They are not replies. Fidelity must be a finite number that increases
 * from one line to the next; every objective value a finite number. A bad progress line fails the
 * evaluation with the reason (the program is stopped), as a bad reply does.
 */
import { jsonText } from '../io/json-text.js';

export interface Progress {
  /** Fidelity reached (epochs trained, minutes spent, ...): increases from one report to the next. */
  fidelity: number;
  /** Objectives at that fidelity, in the evaluator's own units and directions. */
  objectives: Record<string, number>;
}

export type ProgressLine = { kind: 'none' } | { kind: 'ok'; progress: Progress } | { kind: 'bad'; reason: string };

/** The stop reason given to an evaluation's AbortSignal when early stopping ends it (not a failure). */
export const EARLY_STOP = 'hwnas: early stop';

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}...` : s;
}

/**
 * Classify one stdout line (trimmed): not a progress line (`none`: a log line or the reply), a valid
 * report, or a bad one. `previous` is the fidelity of the last valid report of this evaluation.
 */
export function parseProgressLine(line: string, previous?: number): ProgressLine {
  // Cheap test first: most lines are logs.
  if (!line.startsWith('{') || !line.includes('"progress"')) return { kind: 'none' };
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { kind: 'none' };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !('progress' in v)) return { kind: 'none' };
  const p = (v as { progress: unknown }).progress;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    return {
      kind: 'bad',
      reason: 'bad progress line: needs {"progress": {"fidelity": <number>, "objectives": {...}}}',
    };
  }
  const { fidelity, objectives } = p as { fidelity?: unknown; objectives?: unknown };
  if (typeof fidelity !== 'number' || !Number.isFinite(fidelity)) {
    return {
      kind: 'bad',
      reason: `bad progress line: fidelity is not a finite number (got ${clip(jsonText(fidelity ?? null), 40)})`,
    };
  }
  if (previous !== undefined && !(fidelity > previous)) {
    return {
      kind: 'bad',
      reason: `bad progress line: fidelity ${fidelity} after ${previous} (it must increase from one line to the next)`,
    };
  }
  if (objectives === null || typeof objectives !== 'object' || Array.isArray(objectives)) {
    return { kind: 'bad', reason: `bad progress line at fidelity ${fidelity}: needs "objectives": {...}` };
  }
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(objectives)) {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      return {
        kind: 'bad',
        reason: `bad progress line at fidelity ${fidelity}: objective '${k}' is not a finite number (got ${clip(jsonText(x), 40)})`,
      };
    }
    out[k] = x;
  }
  return { kind: 'ok', progress: { fidelity, objectives: out } };
}
