/**
 * `hwnas reproduce`: the poster's study (NB201, three device models, params/latency and random pruning,
 * multi-objective regularized evolution, 10 seeds x 3000 evaluations) or any variant of it, resumable,
 * ending with the GD/IGD+/HV tables, time to quality, pruning audit, plots and an HTML report.
 */
import type { Command } from 'commander';
import { HwnasError } from '../errors.js';
import { exitOnInterrupt } from '../io/interrupt.js';
import { toJson } from '../io/json.js';
import { parseIntOption } from '../io/numbers.js';
import { type Progress, progressBar, stepProgress } from '../io/progress.js';
import { writeReport } from '../report/index.js';
import { strategyNames, strategyOptionHelp } from '../search/index.js';
import {
  buildConfig,
  defaultConfig,
  defaultThreads,
  feasibilityText,
  importStudyData,
  restricts,
  runStudy,
  type StudyOptions,
  studyPaths,
} from '../study/index.js';
import { capThreads } from './threads.js';

interface ReproduceFlags extends StudyOptions {
  out: string;
  threads?: string;
  quiet?: boolean;
  force?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const defaults = defaultConfig();
  program
    .command('reproduce')
    .description("run the poster's pruning study (or a variant) and write tables, plots and an HTML report")
    .option('--space <name>', 'search space: nb201, blox, or a user space .json', undefined)
    .option('--blox-data <dir>', 'BLOX release folder to import (with --space blox; accuracy blox:test_top1)')
    .option('--accuracy <source>', `accuracy source (default: ${defaults.accuracy})`)
    .option('--devices <list>', `latency sources, comma-separated (default: ${defaults.devices.join(',')})`)
    .option(
      '--pruning <list>',
      `pruning settings: none, <metric>@<ratio> or adaptive:<metric>@<ratio>[:<rule>] (default: ${defaults.pruning.join(',')})`,
    )
    .option('--strategies <list>', `search strategies: ${strategyNames.join(', ')} (default: ${defaults.strategies})`)
    .option('--seeds <n|a-b|list>', `seeds: a count (10 = 0..9), a range or a list (default: ${defaults.seeds.length})`)
    .option('--evals <n>', `evaluations per run (default: ${defaults.evals})`)
    .option('--checkpoints <list>', `evaluation counts to record (default: ${defaults.checkpoints.join(',')})`)
    .option('--population <n>', strategyOptionHelp('population'))
    .option('--sample <n>', strategyOptionHelp('sample'))
    .option(
      '--constraint <expr>',
      'hard constraint, repeatable: params<=N, macs<=N, flops<=N, weights<=BYTES[@int8|@fp32], peak<=BYTES[@...], latency<=MS (per device), fits:<device> (docs/constraints.md)',
      collect,
    )
    .option('--allow-missing', 'accept sources that miss architectures: the study runs on the covered subset')
    .option('--config <file>', 'study config JSON (keys as the options; flags override it)')
    .option('--out <dir>', 'study folder (resumed when it holds the same study)', 'hwnas-study')
    .option('--threads <n>', `worker threads (default: ${defaultThreads()})`)
    .option('--quiet', 'no progress bar and no tables on stdout')
    .option('--force', 'replace a folder that holds a different study (or write into a non-empty folder)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Outputs in the study folder: study.sqlite (results store; rerun to resume), tables/*.csv|md (GD, mean GD,
IGD+, HV, time to quality, pruning audit), plots/*.svg|png, results/*.csv|json (exports), report.html.
GD/IGD+/HV are computed in the objective space normalised by each device's true front (HV reference 1.1, 1.1).
Ctrl-C finishes the runs in flight, commits them and exits; rerunning the same command resumes.
With --constraint or --allow-missing, searches only evaluate feasible, covered architectures (others cost
no evaluation), and the true fronts, normalisation and pruning audit range over them; tables/feasibility.*
says how many there are per device.`,
    )
    .action(async (flags: ReproduceFlags) => {
      const config = buildConfig(flags);
      const threads =
        flags.threads === undefined
          ? undefined
          : capThreads(
              '--threads',
              parseIntOption('--threads', flags.threads, 1, 1024),
              'results do not depend on the thread count',
            );
      const quiet = flags.quiet === true || flags.json === true;
      let bar: Progress | undefined;
      let started = 0;
      let ranEvals = 0;
      const outcome = await runStudy(config, {
        out: flags.out,
        threads,
        quiet,
        force: flags.force,
        importData: importStudyData,
        onNote: (line) => process.stderr.write(`hwnas: ${line}\n`),
        onStart: (prepared, pending) => {
          const total = prepared.tasks.length;
          bar = progressBar('runs', total, {
            quiet,
            format: 'runs [{bar}] {value}/{total} | {rate} evals/s | ETA {eta_formatted}',
            initial: { rate: 0 },
          });
          bar.update(total - pending);
          started = performance.now();
        },
        onRun: (done, _total, evals) => {
          ranEvals += evals;
          const seconds = (performance.now() - started) / 1000;
          bar?.update(done, { rate: Math.round(ranEvals / Math.max(seconds, 1e-3)) });
        },
      });
      bar?.stop();
      const { execution, feasibility } = outcome;
      if (execution.interrupted) {
        throw new HwnasError(
          `interrupted: ${execution.skipped + execution.ran} of ${execution.total} runs finished and saved in ${flags.out}`,
          'rerun the same command to resume',
          130,
        );
      }
      // The report also rewrites tables/feasibility.* from the store when the study restricts anything.
      const reportBar = stepProgress('report', { quiet });
      const report = await exitOnInterrupt(
        () =>
          `interrupted while writing the report: all ${execution.total} runs are saved in ${flags.out} (rerun the same command, or hwnas report ${flags.out}, to write it)`,
        () => writeReport(flags.out, { onProgress: reportBar.onProgress }).finally(() => reportBar.stop()),
      );
      const paths = studyPaths(flags.out);
      if (flags.json) {
        process.stdout.write(
          toJson({
            out: flags.out,
            runs: { total: execution.total, ran: execution.ran, resumed: execution.skipped },
            summary: report.summary,
            ...(restricts(feasibility) ? { feasibility } : {}),
            report: paths.report,
          }),
        );
        return;
      }
      if (!flags.quiet) {
        process.stdout.write(`${report.text}\n`);
        if (restricts(feasibility)) process.stdout.write(`${feasibilityText(feasibility)}\n`);
        const resumed = execution.skipped > 0 ? ` (${execution.skipped} resumed from the store)` : '';
        process.stdout.write(
          `${execution.total} runs${resumed}. Wrote ${paths.report}, tables in ${paths.tables}, plots in ${paths.plots}, exports in ${paths.results}.\n`,
        );
      }
    });
}

/** Commander collector for repeatable options. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
