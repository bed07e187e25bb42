/**
 * Temp files left behind by a killed hwnas process. Atomic writes go through `<file>.tmp-<pid>-<n>` beside
 * the file; a SIGKILL between writing and renaming leaves that temp file forever. Those whose process is no
 * longer alive are removed, only for the files a study or open-search folder is known to write.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const TEMP = /^(.+)\.tmp-(\d+)-\d+$/;

/** Whether process `pid` exists (EPERM: it does, owned by someone else). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function entries(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

/**
 * Remove stale temp files of `files` (names) in `folder` and of any file in its `subfolders` (which hwnas
 * alone writes). Returns the removed paths.
 */
export function sweepStaleTemps(
  folder: string,
  owned: { files: readonly string[]; subfolders: readonly string[] },
): string[] {
  const removed: string[] = [];
  const sweep = (dir: string, mine: (base: string) => boolean) => {
    for (const name of entries(dir)) {
      const m = TEMP.exec(name);
      if (!m || !mine(m[1]!) || alive(Number(m[2]))) continue;
      const path = join(dir, name);
      rmSync(path, { force: true });
      removed.push(path);
    }
  };
  sweep(folder, (base) => owned.files.includes(base));
  for (const sub of owned.subfolders) sweep(join(folder, sub), () => true);
  return removed;
}

/** A study folder: its report and config at the top, its exports, tables and plots below. */
export function sweepStudyTemps(folder: string): string[] {
  return sweepStaleTemps(folder, { files: ['report.html', 'study.json'], subfolders: ['results', 'tables', 'plots'] });
}

/** An open-search folder: its outputs and report at the top, its plots below (history.jsonl is appended to). */
export function sweepOpenSearchTemps(folder: string): string[] {
  return sweepStaleTemps(folder, {
    files: ['front.csv', 'front.json', 'trace.csv', 'search.json', 'report.html'],
    subfolders: ['plots'],
  });
}
