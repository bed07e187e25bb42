/** `hwnas report <folder>`: rebuild a study folder's tables, plots, exports and self-contained HTML report. */
import type { Command } from 'commander';
import { writeReport } from '../report/index.js';
import { studyPaths } from '../study/layout.js';
import { toJson } from './output.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('write the HTML report (and tables, plots, exports) of a study folder from its results store')
    .argument('<folder>', 'study folder written by hwnas reproduce')
    .option('--no-plots', 'skip the SVG/PNG plots')
    .option('--quiet', 'print nothing but errors')
    .option('--json', 'print the summary as JSON')
    .action(async (folder: string, flags: { plots: boolean; quiet?: boolean; json?: boolean }) => {
      const report = await writeReport(folder, { plots: flags.plots });
      const path = studyPaths(folder).report;
      if (flags.json) process.stdout.write(toJson({ report: path, summary: report.summary, files: report.files }));
      else if (!flags.quiet) process.stdout.write(`${report.text}\nWrote ${path} (${report.files.length} files).\n`);
    });
}
