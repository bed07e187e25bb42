/** What an open-search folder holds, for the sweep of stale temp files (io/stale-temps.ts). */
import { sweepStaleTemps } from '../io/stale-temps.js';

/** An open-search folder: its outputs and report at the top, its plots below (history.jsonl is appended to). */
export function sweepOpenSearchTemps(folder: string): string[] {
  return sweepStaleTemps(folder, {
    files: ['front.csv', 'front.json', 'trace.csv', 'search.json', 'report.html'],
    subfolders: ['plots'],
  });
}
