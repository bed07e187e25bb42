/**
 * SQLite failures a user can cause, turned into one line: a full disk (naming the folder and what is kept),
 * a store damaged while in use, a store that cannot be written. Anything else stays an internal error.
 */

import { basename } from 'node:path';
import Database from 'better-sqlite3';
import { fail } from '../errors.js';

/** Whether `e` (an SQLite or file-system error) says the disk is full. */
export function isNoSpace(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || /\bENOSPC\b|disk is full/.test((e as Error).message ?? '');
}

/** Whether SQLite found the bytes of the store itself wrong. */
export function isDamage(e: unknown): boolean {
  if (!(e instanceof Database.SqliteError)) return false;
  return e.code.startsWith('SQLITE_CORRUPT') || e.code === 'SQLITE_NOTADB';
}

/**
 * Rethrow an error of the store at `path` in `folder` as a user error when it is one. `kept` says what the
 * store still holds (e.g. "the 12 finished runs are kept"), read after the failure.
 */
export function storeFailure(e: unknown, path: string, folder: string, kept: () => string | null): never {
  if (!(e instanceof Database.SqliteError)) throw e;
  if (isNoSpace(e)) {
    const still = kept();
    fail(
      `no space left on the device of '${folder}' (${e.message})${still ? `: ${still}` : ''}`,
      'free some space there and rerun the same command to resume',
    );
  }
  if (isDamage(e)) fail(damagedMessage(path, e.message), damagedHint(path));
  if (e.code.startsWith('SQLITE_READONLY') || e.code.startsWith('SQLITE_IOERR') || e.code.startsWith('SQLITE_CANTOPEN'))
    fail(`cannot open or write ${path} (${e.message})`, 'check the folder, its permissions and the free space');
  if (e.code.startsWith('SQLITE_BUSY') || e.code.startsWith('SQLITE_LOCKED'))
    fail(`${path} is in use by another process (${e.message})`, 'wait for it to finish, or --out another folder');
  throw e;
}

/**
 * Rethrow a failed write of `what` into `folder` naming the full disk when that is the cause (the atomic
 * writes have already removed their temp files); other errors pass unchanged.
 */
export function writeFailure(e: unknown, folder: string, what: string, kept: string): never {
  if (isNoSpace(e))
    fail(
      `no space left on the device of '${folder}' while writing ${what} (${(e as Error).message}): ${kept}`,
      'free some space there and rerun the same command',
    );
  throw e;
}

/** The one line for a damaged store: the file and SQLite's reason. */
export function damagedMessage(path: string, damage: string): string {
  return `${path} is damaged (${damage})`;
}

/** How to get past a damaged store: --force on the study's command, which keeps the file aside. */
export function damagedHint(path: string): string {
  return `rerun the study with --force to start it again: the damaged file is kept aside as ${basename(path)}.damaged-<n>`;
}
