/**
 * Aggregates a study's finished runs into what the report shows: the poster's indicator tables (mean and
 * 95 % interval over seeds per device x pruning x strategy and checkpoint), time to quality, and the
 * pruning audit. Pure: depends only on the stored runs, so reports are byte-identical across reruns.
 */

import { type FrontLoss, frontLossText, LOSS_NOTE_RECALL } from '../prune/index.js';
import type { StoredRun } from '../study/index.js';
import { pruningLabel, type StudyConfig } from '../study/index.js';
import { type Interval, meanInterval } from './stats.js';

export type Indicator = 'gd' | 'gdMean' | 'igdPlus' | 'hv';

export const INDICATORS: { id: Indicator; file: string; title: string; better: 'lower' | 'higher' }[] = [
  { id: 'gd', file: 'gd', title: 'Generational distance (original form, normalised)', better: 'lower' },
  { id: 'gdMean', file: 'gd-mean', title: 'Mean generational distance (normalised)', better: 'lower' },
  { id: 'igdPlus', file: 'igd-plus', title: 'IGD+ (normalised)', better: 'lower' },
  { id: 'hv', file: 'hv', title: 'Hypervolume (normalised, reference point 1.1, 1.1)', better: 'higher' },
];

/**
 * The poster's quality bar: the IGD+ the unpruned search reaches after this many evaluations. IGD+, not
 * the poster's GD: GD is not Pareto-compliant (one point near an end of the true front has GD ~0, so a
 * run "reaches" the unpruned GD after 1 evaluation); IGD+ only goes down as the found set gets better.
 */
export const QUALITY_EVALS = 2000;

export interface SettingKey {
  device: string;
  pruning: string;
  pruningLabel: string;
  strategy: string;
}

export interface IndicatorRow extends SettingKey {
  runs: number;
  /** Pruned space size (mean over seeds; differs per seed only for random pruning). */
  size: number;
  sizeVaries: boolean;
  recall: number;
  cells: Interval[];
}

export interface TimeToQualityRow extends SettingKey {
  /** Evaluations needed (over the runs that reached the target). */
  evals: Interval;
  reached: number;
  runs: number;
  /** IGD+ at QUALITY_EVALS of the unpruned search (per device and strategy). */
  target: number;
}

export interface AuditRow {
  device: string;
  pruning: string;
  pruningLabel: string;
  size: number;
  sizeVaries: boolean;
  recall: number;
  bestGd: number;
  bestIgdPlus: number;
  r2: number | null;
  /** What the first seed's pruned space lost of the true front (null without pruning). */
  frontLoss: FrontLoss | null;
  /** The pruned space differs between seeds (random pruning). */
  spaceVaries: boolean;
}

export interface StudySummary {
  checkpoints: number[];
  strategies: string[];
  totalRuns: number;
  finishedRuns: number;
  tables: Record<Indicator, IndicatorRow[]>;
  qualityEvals: number;
  timeToQuality: TimeToQualityRow[];
  timeToQualityNote: string | null;
  audit: AuditRow[];
  /** One line per audit row whose front recall is below LOSS_NOTE_RECALL: which removed blocks the front uses. */
  auditNotes: string[];
}

/** A run's indicator after `evals` evaluations, read from an (evaluations, value) change trace (GD or IGD+). */
export function traceAt(trace: Float64Array, evals: number): number {
  let value = Number.NaN;
  for (let i = 0; i < trace.length; i += 2) {
    if (trace[i]! > evals) break;
    value = trace[i + 1]!;
  }
  return value;
}

/** First evaluation count at which a change trace (GD or IGD+) is at most `target`, or -1. */
export function evalsToReach(trace: Float64Array, target: number): number {
  for (let i = 0; i < trace.length; i += 2) if (trace[i + 1]! <= target) return trace[i]!;
  return -1;
}

function groupRuns(config: StudyConfig, runs: StoredRun[]): { key: SettingKey; runs: StoredRun[] }[] {
  const groups: { key: SettingKey; runs: StoredRun[] }[] = [];
  for (const device of config.devices) {
    for (const pruning of config.pruning) {
      for (const strategy of config.strategies) {
        const members = runs.filter((r) => r.device === device && r.pruning === pruning && r.strategy === strategy);
        if (members.length === 0) continue;
        members.sort((a, b) => a.seed - b.seed);
        groups.push({ key: { device, pruning, pruningLabel: pruningLabel(pruning), strategy }, runs: members });
      }
    }
  }
  return groups;
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

export function summarize(config: StudyConfig, runs: StoredRun[]): StudySummary {
  const groups = groupRuns(config, runs);
  const tables = {} as Record<Indicator, IndicatorRow[]>;
  for (const ind of INDICATORS) {
    tables[ind.id] = groups.map(({ key, runs: rs }) => {
      const sizes = rs.map((r) => r.prune.size);
      return {
        ...key,
        runs: rs.length,
        size: mean(sizes),
        sizeVaries: sizes.some((s) => s !== sizes[0]),
        recall: mean(rs.map((r) => r.prune.recall)),
        cells: config.checkpoints.map((c) =>
          meanInterval(
            rs
              .map((r) => r.checkpoints.find((m) => m.evals === c)?.[ind.id] ?? Number.NaN)
              .filter((v) => !Number.isNaN(v)),
          ),
        ),
      };
    });
  }

  const qualityEvals = Math.min(QUALITY_EVALS, config.evals);
  const timeToQuality: TimeToQualityRow[] = [];
  let timeToQualityNote: string | null = null;
  if (!config.pruning.includes('none')) {
    timeToQualityNote = "time to quality compares with the unpruned search: add 'none' to the pruning settings";
  } else {
    for (const { key, runs: rs } of groups) {
      const base = groups.find(
        (g) => g.key.device === key.device && g.key.strategy === key.strategy && g.key.pruning === 'none',
      );
      if (!base) continue;
      const target = mean(base.runs.map((r) => traceAt(r.igdTrace, qualityEvals)));
      const reachedAt = rs.map((r) => evalsToReach(r.igdTrace, target)).filter((e) => e >= 0);
      timeToQuality.push({
        ...key,
        evals: meanInterval(reachedAt),
        reached: reachedAt.length,
        runs: rs.length,
        target,
      });
    }
  }

  const audit: AuditRow[] = [];
  for (const device of config.devices) {
    for (const pruning of config.pruning) {
      const rs = runs.filter((r) => r.device === device && r.pruning === pruning);
      if (rs.length === 0) continue;
      const sizes = rs.map((r) => r.prune.size);
      const r2s = rs.map((r) => r.prune.r2).filter((v): v is number => v !== null);
      audit.push({
        device,
        pruning,
        pruningLabel: pruningLabel(pruning),
        size: mean(sizes),
        sizeVaries: sizes.some((s) => s !== sizes[0]),
        recall: mean(rs.map((r) => r.prune.recall)),
        bestGd: mean(rs.map((r) => r.prune.bestGd)),
        bestIgdPlus: mean(rs.map((r) => r.prune.bestIgdPlus)),
        r2: r2s.length > 0 ? mean(r2s) : null,
        frontLoss: rs[0]!.prune.frontLoss ?? null,
        spaceVaries: rs.some((r) => JSON.stringify(r.prune.allowed) !== JSON.stringify(rs[0]!.prune.allowed)),
      });
    }
  }

  const total = config.devices.length * config.pruning.length * config.strategies.length * config.seeds.length;
  return {
    checkpoints: config.checkpoints,
    strategies: config.strategies,
    totalRuns: total,
    finishedRuns: runs.length,
    tables,
    qualityEvals,
    timeToQuality,
    timeToQualityNote,
    audit,
    auditNotes: audit.flatMap(auditNote),
  };
}

/** "model:cortex-m7, params/latency 70%: keeps 0 of 30 true-front architectures; it removed ...". */
export function auditNote(row: AuditRow): string[] {
  const loss = row.frontLoss;
  if (!loss || !(row.recall < LOSS_NOTE_RECALL)) return [];
  const seed = row.spaceVaries ? " (the first seed's space)" : '';
  return [`${row.device}, ${row.pruningLabel}${seed}: ${frontLossText(loss)}.`];
}
