/** Stale temp files of a study folder (io/stale-temps.ts): its report and config at the top, its exports below. */
import { sweepStaleTemps } from '../io/stale-temps.js';

export function sweepStudyTemps(folder: string): string[] {
  return sweepStaleTemps(folder, { files: ['report.html', 'study.json'], subfolders: ['results', 'tables', 'plots'] });
}
