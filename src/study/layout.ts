/** Where a study folder keeps what: one place so the store, exports, report and --force agree. */
import { join } from 'node:path';

export const STORE_FILE = 'study.sqlite';

export function studyPaths(folder: string) {
  return {
    store: join(folder, STORE_FILE),
    config: join(folder, 'study.json'),
    results: join(folder, 'results'),
    tables: join(folder, 'tables'),
    plots: join(folder, 'plots'),
    report: join(folder, 'report.html'),
  };
}

/** The store and the side files SQLite keeps beside it. */
export const STORE_FILES = [STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`, `${STORE_FILE}-journal`];

/** Every entry a study writes into its folder (what --force replaces; nothing else is touched). */
export const STUDY_ENTRIES = [...STORE_FILES, 'study.json', 'results', 'tables', 'plots', 'report.html'];
