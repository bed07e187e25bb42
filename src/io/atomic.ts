/**
 * Atomic file writes: the one place that writes a temp file beside its target and renames it into place,
 * so no half-written file is ever seen. Temp files are named `<file>.tmp-<pid>-<n>` (stale-temp cleanup
 * matches that pattern). Whole files go through writeFilesAtomic; output too large to hold as one string
 * streams through AtomicFileStream (io/atomic-stream.ts), which names and commits its temp file here too.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../errors.js';

let lastStamp = 0;

/** A temp file's name: the target's name, the writer's pid, a stamp (what tempPathFor makes). */
export const TEMP_NAME = /^(.+)\.tmp-(\d+)-\d+$/;

/** A fresh temp path beside `path`: a millisecond stamp, bumped so two temps of one process never clash. */
export function tempPathFor(path: string): string {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return `${path}.tmp-${process.pid}-${lastStamp}`;
}

/** The errno code of a failed file operation (or its message when it has none). */
export function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** Why an atomic write failed; the temp files are gone by the time it is thrown. */
export class AtomicWriteError extends Error {
  constructor(
    readonly path: string,
    /** 'folder': the target is a folder; 'mkdir': its parent folder cannot be made; 'write': writing or renaming. */
    readonly stage: 'folder' | 'mkdir' | 'write',
    readonly code: string,
  ) {
    super(`cannot write ${path}: ${code}`);
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // the temp file was never created (its folder is missing or not a folder)
  }
}

/** Make the parent folder of `path` (missing folders included). */
export function makeParentFolder(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw new AtomicWriteError(path, 'mkdir', errorCode(e));
  }
}

/** Rename a finished temp file onto its target; on failure the temp file is removed. */
export function commitTemp(tmp: string, path: string): void {
  try {
    renameSync(tmp, path);
  } catch (e) {
    removeQuietly(tmp);
    throw new AtomicWriteError(path, 'write', errorCode(e));
  }
}

/**
 * Several files, all or none: every temp file is written first (missing parent folders are made), and only
 * when all of them are, they are renamed into place (a failing second file leaves no first one behind).
 * Throws AtomicWriteError, with every temp file removed.
 */
export function writeFilesAtomicOrThrow(files: readonly (readonly [string, string | Uint8Array])[]): void {
  const temps: [string, string][] = [];
  const removeTemps = () => {
    for (const [tmp] of temps) removeQuietly(tmp);
  };
  try {
    for (const [path, data] of files) {
      if (isFolder(path)) throw new AtomicWriteError(path, 'folder', 'EISDIR');
      makeParentFolder(path);
      const tmp = tempPathFor(path);
      temps.push([tmp, path]);
      try {
        writeFileSync(tmp, data);
      } catch (e) {
        throw new AtomicWriteError(path, 'write', errorCode(e));
      }
    }
    for (const [tmp, path] of temps) commitTemp(tmp, path);
  } catch (e) {
    removeTemps();
    throw e;
  }
}

/** A failed atomic write as the user error of a command's output. */
export function failAtomicWrite(e: unknown): never {
  if (!(e instanceof AtomicWriteError)) throw e;
  if (e.stage === 'folder') fail(`cannot write ${e.path}: it is a folder`, 'give a file name, e.g. out/result.csv');
  if (e.stage === 'mkdir') {
    // EEXIST / ENOTDIR: a file sits where a folder of the path should be.
    const why = e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'a file is in the way' : e.code;
    fail(`cannot create the folder of ${e.path}: ${why}`, 'check the path and its permissions');
  }
  fail(`cannot write ${e.path}: ${e.code}`, 'check the path, its permissions and the free space');
}

/**
 * Write a file atomically (see writeFilesAtomic). A path that cannot be written (a folder, a file in the
 * way, no permission, a full disk) is a user error naming the path, and no temp file remains.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeFilesAtomic([[path, data]]);
}

/** Several outputs of one command, all or none; a failure is a user error naming the path. */
export function writeFilesAtomic(files: readonly (readonly [string, string | Uint8Array])[]): void {
  try {
    writeFilesAtomicOrThrow(files);
  } catch (e) {
    failAtomicWrite(e);
  }
}

/** Write a file atomically where failing is fine (a cache): false, leaving nothing behind, when it fails. */
export function tryWriteFileAtomic(path: string, data: string | Uint8Array): boolean {
  try {
    writeFilesAtomicOrThrow([[path, data]]);
    return true;
  } catch (e) {
    if (e instanceof AtomicWriteError) return false;
    throw e;
  }
}

/** True for an existing folder, or a path written as one (trailing slash). */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return path.endsWith('/');
  }
}
