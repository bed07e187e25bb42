/**
 * `hwnas report <folder>`: rebuild a study folder's tables, plots, exports and self-contained HTML report,
 * or, for an open-search folder (search.json + history.jsonl), its plots and HTML report.
 */
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { fail } from '../errors.js';
import { exitOnInterrupt } from '../io/interrupt.js';
import { toJson } from '../io/json.js';
import { stepProgress } from '../io/progress.js';
import { writeReport } from '../report/index.js';
import { openSearchFolderKind } from '../report/open.js';
import { writeOpenReport } from '../report/open-report.js';
import { getSpace } from '../space/all.js';
import { studyPaths } from '../study/index.js';

interface ReportFlags {
  plots: boolean;
  space?: string;
  baseline?: string;
  quiet?: boolean;
  json?: boolean;
}

async function openReport(folder: string, flags: ReportFlags): Promise<void> {
  const space = flags.space === undefined ? undefined : getSpace(flags.space);
  const r = await writeOpenReport(folder, {
    plots: flags.plots,
    ...(space ? { space } : {}),
    ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}),
  });
  if (flags.json) process.stdout.write(toJson({ report: r.report, summary: r.summary, files: r.files }));
  else if (!flags.quiet) process.stdout.write(`${r.text}\nWrote ${r.report} (${r.files.length} files).\n`);
}

const FOLDER_HINT = 'give the --out folder of `hwnas reproduce` or of `hwnas open-search`';

/** A missing path or a file (e.g. the run.json of `hwnas search --out`) is named as such, not as "no study". */
function checkReportFolder(folder: string): void {
  if (!existsSync(folder)) fail(`'${folder}' holds no study or open search: it does not exist`, FOLDER_HINT);
  if (!statSync(folder).isDirectory())
    fail(
      `'${folder}' is a file, not a study or open-search folder`,
      `${FOLDER_HINT}; the run.json of \`hwnas search --out\` is already the whole result`,
    );
  if (!existsSync(studyPaths(folder).store) && openSearchFolderKind(folder) === 'none')
    fail(`'${folder}' holds no study (study.sqlite) or open search (history.jsonl)`, FOLDER_HINT);
}

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'write the HTML report (and tables, plots, exports) of a study folder from its results store, or the plots and HTML report of an open-search folder',
    )
    .argument('<folder>', 'study folder written by hwnas reproduce, or an --out folder of hwnas open-search')
    .option('--no-plots', 'skip the SVG/PNG plots')
    .option(
      '--space <space>',
      'open-search folder: the user-defined space file (.json) the search used, for every notation',
    )
    .option(
      '--baseline <folder>',
      'open-search folder: another open search of the same problem (e.g. without --early-stop) to compare HV against wall time with',
    )
    .option('--quiet', 'print nothing but errors')
    .option('--json', 'print the summary as JSON')
    .action(async (folder: string, flags: ReportFlags) => {
      checkReportFolder(folder);
      // A study's store wins; history.jsonl without search.json is an unfinished open search (loadOpenReport says so).
      const open = openSearchFolderKind(folder);
      if (open !== 'none' && !existsSync(studyPaths(folder).store)) return openReport(folder, flags);
      if (flags.space !== undefined)
        fail('--space is for open-search folders', 'a study folder keeps its space in its store');
      if (flags.baseline !== undefined)
        fail('--baseline is for open-search folders', 'give the --out folder of an hwnas open-search');
      const bar = stepProgress('report', { quiet: flags.quiet || flags.json });
      const report = await exitOnInterrupt(
        () => `interrupted: the report of ${folder} was not written (its results are untouched; rerun to write it)`,
        () => writeReport(folder, { plots: flags.plots, onProgress: bar.onProgress }).finally(() => bar.stop()),
      );
      const path = studyPaths(folder).report;
      if (flags.json) process.stdout.write(toJson({ report: path, summary: report.summary, files: report.files }));
      else if (!flags.quiet) process.stdout.write(`${report.text}\nWrote ${path} (${report.files.length} files).\n`);
    });
}
