/**
 * The study in one call: check the output folder, prepare the plan (sources, fronts, pruned spaces), run
 * what the store does not have yet, and rebuild tables, plots, exports and the HTML report from the store.
 */
import { writeFileAtomic } from '../cli/output.js';
import { type WrittenReport, writeReport } from '../report/index.js';
import { canonicalConfig, type StudyConfig } from './config.js';
import { type ExecuteSummary, executeStudy } from './execute.js';
import { restricts, writeFeasibility } from './feasibility.js';
import { studyPaths } from './layout.js';
import { type DataImporter, type Feasibility, type PreparedStudy, prepareStudy } from './prepare.js';
import { StudyStore } from './store.js';

export { buildConfig, type StudyConfig, type StudyOptions } from './config.js';
export { StudyStore } from './store.js';

export interface StudyRunOptions {
  out: string;
  threads?: number;
  quiet?: boolean;
  force?: boolean;
  importData?: DataImporter;
  /** Called once the plan is ready, with the number of runs left to do. */
  onStart?: (prepared: PreparedStudy, pending: number) => void;
  onRun?: (done: number, total: number, evals: number) => void;
  /** Skip the SVG/PNG plots (faster; the benchmark uses it). */
  plots?: boolean;
}

export interface StudyOutcome {
  execution: ExecuteSummary;
  /** Null when interrupted: the report is rebuilt when the resumed study finishes (or by `hwnas report`). */
  report: WrittenReport | null;
  /** Covered and feasible architectures per device (constraints, --allow-missing). */
  feasibility: Feasibility;
}

export async function runStudy(config: StudyConfig, opts: StudyRunOptions): Promise<StudyOutcome> {
  // Refuse a foreign folder before the (possibly slow) preparation, and write nothing if it fails.
  StudyStore.check(opts.out, config, { force: opts.force });
  const prepared = await prepareStudy(config, { quiet: opts.quiet, importData: opts.importData });
  const store = StudyStore.create(opts.out, config, { force: opts.force });
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
    }
    if (restricts(prepared.feasibility)) store.saveFeasibility(prepared.feasibility);
    writeFileAtomic(studyPaths(opts.out).config, `${JSON.stringify(JSON.parse(canonicalConfig(config)), null, 2)}\n`);
    const done = store.doneKeys();
    opts.onStart?.(prepared, prepared.tasks.filter((t) => !done.has(t.spec.key)).length);
    execution = await executeStudy(prepared.plan, prepared.tasks, store, { threads: opts.threads, onRun: opts.onRun });
  } finally {
    store.close();
  }
  const { feasibility } = prepared;
  if (execution.interrupted) return { execution, report: null, feasibility };
  const report = await writeReport(opts.out, { plots: opts.plots });
  if (restricts(feasibility)) report.files.push(...writeFeasibility(opts.out, feasibility));
  return { execution, report, feasibility };
}
