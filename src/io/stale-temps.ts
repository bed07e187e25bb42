/**
 * Temp files left behind by a killed hwnas process. Atomic writes go through `<file>.tmp-<pid>-<n>` beside
 * the file; a SIGKILL between writing and renaming leaves that temp file forever. Those whose process is no
 * longer alive are removed, only for the files the caller's folder kind is known to write.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_NAME } from './atomic.js';

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
      const m = TEMP_NAME.exec(name);
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
