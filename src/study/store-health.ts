/**
 * Whether a study store can be read at all, and what --force does with one that cannot: it is kept aside
 * as `study.sqlite.damaged-<n>` (with its -wal/-shm, under names SQLite pairs with it), never deleted.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { isDamage, storeFailure } from './store-errors.js';

export type StoreMeta = { hash?: string; config?: string; format?: string; inputs?: string };

/** What a store file holds: its meta rows, or why it cannot be used (SQLite's own reason). */
export type StoreInspection = { meta: StoreMeta } | { damage: string };

const SIDE_SUFFIXES = ['-wal', '-shm'] as const;

/**
 * Read the meta rows of the store at `path` after SQLite's quick check of every page. The file is opened
 * read-only; a read-only open of a WAL store creates -wal/-shm side files it never removes, so those it
 * created (an empty -wal, the -shm) are removed again: a refused folder is left as it was found.
 */
export function inspectStore(path: string): StoreInspection {
  if (statSync(path).size === 0) return { damage: 'the file is empty' };
  const existed = SIDE_SUFFIXES.map((s) => existsSync(path + s));
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    // One row per problem, the first prefixed by a '*** in database main ***' line.
    const problems = (db.pragma('quick_check') as { quick_check: string }[])
      .flatMap((r) => r.quick_check.split('\n'))
      .filter((line) => line !== '' && !line.startsWith('***'));
    if (problems[0] !== 'ok') {
      const more = problems.length > 1 ? `, and ${problems.length - 1} more` : '';
      return { damage: `${problems[0]}${more}` };
    }
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) return { damage: 'it is an SQLite file without the tables of a study' };
    const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
    const m = new Map(rows.map((r) => [r.key, r.value]));
    return { meta: { hash: m.get('hash'), config: m.get('config'), format: m.get('format'), inputs: m.get('inputs') } };
  } catch (e) {
    // Damage is SQLite's verdict on the bytes; a file it cannot open (permissions, locks) is not damaged.
    if (isDamage(e)) return { damage: (e as Error).message };
    return storeFailure(e, path, dirname(path), () => null);
  } finally {
    db?.close();
    removeCreatedSideFiles(path, existed);
  }
}

function removeCreatedSideFiles(path: string, existed: boolean[]): void {
  SIDE_SUFFIXES.forEach((suffix, i) => {
    const side = path + suffix;
    if (existed[i] || !existsSync(side)) return;
    // Only an empty -wal is ours to remove: one with frames holds committed data.
    if (suffix === '-wal' && statSync(side).size > 0) return;
    rmSync(side, { force: true });
  });
}

/**
 * Move a damaged store (and its side files) to `<store>.damaged-<n>`, n the first number none of whose
 * names is taken. Returns the new name of the store file.
 */
export function setAsideDamaged(path: string): string {
  for (let n = 1; ; n++) {
    const aside = `${path}.damaged-${n}`;
    if ([aside, ...SIDE_SUFFIXES.map((s) => aside + s)].some((p) => existsSync(p))) continue;
    renameSync(path, aside);
    for (const s of SIDE_SUFFIXES) if (existsSync(path + s)) renameSync(path + s, aside + s);
    return aside;
  }
}
