/** Shared CLI output helpers: stable JSON, atomic file writes, option parsing. */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../errors.js';

/** JSON with sorted-insensitive but stable formatting (2-space indent, trailing newline). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/**
 * Write a file atomically: temp file in the same folder, then rename, so no half-written output remains.
 * Missing parent folders are created (study and cache layouts rely on it); a path that cannot be written
 * (a folder, a file in the way, no permission, a full disk) is a user error naming the path, and the temp
 * file is removed.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeFilesAtomic([[path, data]]);
}

/**
 * Several outputs of one command, all or none: every temp file is written first, and only when all of
 * them are, they are renamed into place (a failing second output leaves no first one behind).
 */
export function writeFilesAtomic(files: readonly (readonly [string, string | Uint8Array])[]): void {
  const temps: [string, string][] = [];
  const removeTemps = () => {
    for (const [tmp] of temps) rmSync(tmp, { force: true });
  };
  for (const [path, data] of files) {
    if (isFolder(path)) {
      removeTemps();
      fail(`cannot write ${path}: it is a folder`, 'give a file name, e.g. out/result.csv');
    }
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      removeTemps();
      const code = errorCode(e);
      // EEXIST / ENOTDIR: a file sits where a folder of the path should be.
      const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : code;
      fail(`cannot create the folder of ${path}: ${why}`, 'check the path and its permissions');
    }
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    try {
      temps.push([tmp, path]);
      writeFileSync(tmp, data);
    } catch (e) {
      try {
        removeTemps();
      } catch {
        // the temp file was never created (its folder is missing or not a folder)
      }
      fail(`cannot write ${path}: ${errorCode(e)}`, 'check the path, its permissions and the free space');
    }
  }
  for (const [tmp, path] of temps) {
    try {
      renameSync(tmp, path);
    } catch (e) {
      removeTemps();
      fail(`cannot write ${path}: ${errorCode(e)}`, 'check the path, its permissions and the free space');
    }
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return path.endsWith('/');
  }
}

/**
 * Check an output file named on the command line before any work is done: its folder must exist (a typo
 * in a folder name should not silently create a new tree) and it must not be a folder itself.
 */
export function checkOutputFile(flag: string, path: string): void {
  if (isFolder(path)) fail(`${flag} ${path} is a folder`, 'give a file name inside it');
  const dir = dirname(path);
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(dir);
  } catch {
    fail(`${flag} ${path}: folder '${dir}' does not exist`, `create it first (mkdir -p ${dir}) or fix the path`);
  }
  if (!st.isDirectory()) fail(`${flag} ${path}: '${dir}' is not a folder`, 'fix the path');
}

/**
 * Check an output folder named on the command line before any work is done: it may be missing (it is
 * created) but its parent must exist, and it must not be a file.
 */
export function checkOutputFolder(flag: string, path: string): void {
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(path);
  } catch {
    const parent = dirname(path);
    try {
      st = statSync(parent);
    } catch {
      fail(
        `${flag} ${path}: folder '${parent}' does not exist`,
        `create it first (mkdir -p ${parent}) or fix the path`,
      );
    }
    if (!st.isDirectory()) fail(`${flag} ${path}: '${parent}' is not a folder`, 'fix the path');
    return;
  }
  if (!st.isDirectory()) fail(`${flag} ${path} is a file`, 'give a folder (it is created when missing)');
}

/**
 * Create an output folder checked by checkOutputFolder, once every other check has passed (a refused
 * command leaves no folder behind). Its parent exists, so a plain mkdir does: Node's recursive mkdir
 * never returns for a path under /proc. A folder that cannot be made is a user error, not an internal one.
 */
export function createOutputFolder(flag: string, path: string): void {
  try {
    if (statSync(path).isDirectory()) return;
  } catch {
    // missing: made below
  }
  try {
    mkdirSync(path);
  } catch (e) {
    fail(`cannot create ${flag} folder '${path}' (${errorCode(e)})`, `choose another ${flag}`);
  }
}

export function parseIntOption(
  name: string,
  value: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = Number(value);
  const digits = /^-?\d+$/.test(value.trim()) && Number.isSafeInteger(v);
  if (!digits || v < min || v > max) {
    const nearest = Math.min(max, Math.max(min, digits ? v : Math.trunc(Number.isFinite(v) ? v : min)));
    fail(
      `${name} must be an integer in [${min}, ${max}], got '${value}'`,
      digits ? `the nearest allowed value is ${nearest}` : `write digits only, e.g. ${name} ${nearest}`,
    );
  }
  return v;
}

export function parseFloatOption(name: string, value: string, min = -Infinity, max = Infinity): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    fail(
      `${name} must be a number in [${min}, ${max}], got '${value}'`,
      Number.isFinite(v) && value.trim() !== '' ? 'pick a value inside that range' : 'write a plain number, e.g. 0.5',
    );
  }
  return v;
}
