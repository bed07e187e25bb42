/**
 * The study in one call: check the output folder, prepare the plan (sources, fronts, pruned spaces) and run
 * what the store does not have yet. The caller writes the report from the store (report/writeReport).
 */

import { fail } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { exitOnInterrupt } from '../io/interrupt.js';
import { canonicalConfig, type StudyConfig } from './config.js';
import { type ExecuteSummary, executeStudy } from './execute.js';
import { restricts } from './feasibility.js';
import { studyPaths } from './layout.js';
import { type DataImporter, type Feasibility, type PreparedStudy, prepareStudy } from './prepare.js';
import { sweepStudyTemps } from './stale.js';
import { StudyStore } from './store.js';
import { writeFailure } from './store-errors.js';

export { buildConfig, configHash, defaultConfig, pruningLabel, type StudyConfig, type StudyOptions } from './config.js';
export { importStudyData } from './data.js';
export { defaultThreads } from './execute.js';
export { checkpointsCsv, resultsJson, runsCsv } from './export.js';
export { feasibilityMarkdown, feasibilityText, restricts, writeFeasibility } from './feasibility.js';
export { STORE_FILE, studyPaths } from './layout.js';
export type { Feasibility } from './prepare.js';
export { sweepStudyTemps } from './stale.js';
export { type StoredRun, type StudyData, StudyStore } from './store.js';
export { writeFailure } from './store-errors.js';

export interface StudyRunOptions {
  out: string;
  threads?: number;
  quiet?: boolean;
  force?: boolean;
  importData?: DataImporter;
  /** Called once the plan is ready, with the number of runs left to do. */
  onStart?: (prepared: PreparedStudy, pending: number) => void;
  onRun?: (done: number, total: number, evals: number) => void;
  /** A line worth telling the user on the side (e.g. where --force kept a damaged store). */
  onNote?: (line: string) => void;
}

export interface StudyOutcome {
  /** `interrupted` when Ctrl-C stopped it: the finished runs are saved, the rest run when resumed. */
  execution: ExecuteSummary;
  /** Covered and feasible architectures per device (constraints, --allow-missing). */
  feasibility: Feasibility;
}

export async function runStudy(config: StudyConfig, opts: StudyRunOptions): Promise<StudyOutcome> {
  // Refuse a foreign folder before the (possibly slow) preparation, and write nothing if it fails.
  StudyStore.check(opts.out, config, { force: opts.force });
  sweepStudyTemps(opts.out);
  const prepared = await exitOnInterrupt(
    () => 'interrupted while preparing the study: no run was started (rerun the same command to start it)',
    () => prepareStudy(config, { quiet: opts.quiet, importData: opts.importData }),
  );
  const store = StudyStore.create(opts.out, config, { force: opts.force, onNote: opts.onNote });
  let execution: ExecuteSummary;
  try {
    if (!store.hasData()) {
      store.saveData({
        spaceId: prepared.space.id,
        accuracy: { ...prepared.accuracy, values: prepared.accuracyValues },
        devices: prepared.devices.map((d, i) => ({
          source: d.source,
          name: d.name,
          unit: d.unit,
          latency: prepared.latencyValues[i]!,
          front: prepared.plan.devices[i]!.front,
        })),
      });
    } else if (config.bloxData) {
      checkSameRelease(store, prepared, config.bloxData);
    }
    if (restricts(prepared.feasibility)) store.saveFeasibility(prepared.feasibility);
    try {
      writeFileAtomic(studyPaths(opts.out).config, `${JSON.stringify(JSON.parse(canonicalConfig(config)), null, 2)}\n`);
    } catch (e) {
      writeFailure(e, opts.out, 'study.json', 'what its study.sqlite holds is kept');
    }
    const done = store.doneKeys();
    opts.onStart?.(prepared, prepared.tasks.filter((t) => !done.has(t.spec.key)).length);
    execution = await executeStudy(prepared.plan, prepared.tasks, store, { threads: opts.threads, onRun: opts.onRun });
  } finally {
    store.close();
  }
  return { execution, feasibility: prepared.feasibility };
}

/**
 * A resumed BLOX study re-imports its release folder: refuse when the folder now holds other data than the
 * study started with (the finished runs and the new ones would be of different benchmarks). The config
 * names the folder, not its contents; NB201 data is pinned by checksum and needs no such check.
 */
function checkSameRelease(store: StudyStore, prepared: PreparedStudy, folder: string): void {
  const saved = store.loadData().accuracy.values;
  const now = prepared.accuracyValues;
  const same = saved.length === now.length && saved.every((v, i) => Object.is(v, now[i]));
  if (!same)
    fail(
      `the BLOX release in '${folder}' is not the one the study in '${store.folder}' started with (its ${prepared.accuracy.source} values differ)`,
      'restore that release, pass --force to restart the study, or --out another folder',
    );
}
