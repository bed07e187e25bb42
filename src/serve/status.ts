/**
 * Whether a study or open search is running, finished or interrupted, from its files alone (the
 * dashboard takes no lock that could tell). A study is finished when every planned run is stored;
 * running while its store has a -wal (SQLite keeps one while a writer has the store open) that changed
 * recently; otherwise interrupted. An open search is finished when its search.json was written after
 * the last evaluation and says it was not stopped early; running while its history grows; otherwise
 * interrupted (Ctrl-C, a stop on failures, a killed coordinator).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_FILE } from '../study/index.js';
import { HISTORY_FILE, SEARCH_FILE } from './scan.js';

export type RunStatus = 'running' | 'finished' | 'interrupted';

/** How long after its last write a store or history still counts as written to. */
export const QUIET_MS = 10 * 60 * 1000;

function mtimeMs(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

export function studyStatus(folder: string, done: number, total: number, now = Date.now()): RunStatus {
  if (total > 0 && done >= total) return 'finished';
  const store = join(folder, STORE_FILE);
  const wal = mtimeMs(`${store}-wal`);
  if (wal === null) return 'interrupted';
  const last = Math.max(wal, mtimeMs(`${store}-shm`) ?? 0, mtimeMs(store) ?? 0);
  return now - last < QUIET_MS ? 'running' : 'interrupted';
}

/** `stopped`: search.json's flag (the budget was not reached); `lastIsStop`: the history ends in a stop record. */
export function openStatus(
  folder: string,
  search: { stopped: boolean; told: number } | null,
  told: number,
  lastIsStop: boolean,
  now = Date.now(),
): RunStatus {
  const history = mtimeMs(join(folder, HISTORY_FILE));
  const searchAt = mtimeMs(join(folder, SEARCH_FILE));
  if (search && searchAt !== null && history !== null && searchAt >= history && search.told >= told)
    return search.stopped ? 'interrupted' : 'finished';
  if (lastIsStop || history === null) return 'interrupted';
  return now - history < QUIET_MS ? 'running' : 'interrupted';
}
