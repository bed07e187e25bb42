/**
 * Export a study's finished runs as CSV (one row per run; one row per run and checkpoint) and JSON (all of
 * it, fronts included). Rows follow the study's fixed order and numbers print in full precision, so an
 * interrupted-and-resumed study exports byte-identical files to an uninterrupted one.
 */
import { stringify } from 'csv-stringify/sync';
import { toJson } from '../io/json.js';
import type { StudyConfig } from './config.js';
import type { StoredRun } from './store.js';

export function runsCsv(runs: StoredRun[]): string {
  const header = [
    'device',
    'pruning',
    'strategy',
    'seed',
    'run_seed',
    'space_size',
    'front_recall',
    'best_gd',
    'best_igd_plus',
    'r2',
    'evals',
  ];
  const rows = runs.map((r) => [
    r.device,
    r.pruning,
    r.strategy,
    r.seed,
    r.runSeed,
    r.prune.size,
    r.prune.recall,
    r.prune.bestGd,
    r.prune.bestIgdPlus,
    r.prune.r2 ?? '',
    r.evals,
  ]);
  return stringify([header, ...rows.map((r) => r.map(String))]);
}

export function checkpointsCsv(runs: StoredRun[]): string {
  const header = ['device', 'pruning', 'strategy', 'seed', 'evals', 'gd', 'gd_mean', 'igd_plus', 'hv', 'front_size'];
  const rows: string[][] = [];
  for (const r of runs) {
    for (const c of r.checkpoints) {
      rows.push(
        [r.device, r.pruning, r.strategy, r.seed, c.evals, c.gd, c.gdMean, c.igdPlus, c.hv, c.frontSize].map(String),
      );
    }
  }
  return stringify([header, ...rows]);
}

export function resultsJson(config: StudyConfig, hash: string, runs: StoredRun[]): string {
  return toJson({
    config,
    configHash: hash,
    runs: runs.map((r) => ({
      device: r.device,
      pruning: r.pruning,
      strategy: r.strategy,
      seed: r.seed,
      runSeed: r.runSeed,
      space: {
        size: r.prune.size,
        frontRecall: r.prune.recall,
        bestGd: r.prune.bestGd,
        bestIgdPlus: r.prune.bestIgdPlus,
        r2: r.prune.r2,
      },
      checkpoints: r.checkpoints,
      fronts: r.fronts.map((f) => ({ evals: f.evals, archs: Array.from(f.archs) })),
    })),
  });
}
