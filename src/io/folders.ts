/**
 * Output files and folders named on the command line: checked before any work is done (a typo in a folder
 * name should not silently create a new tree, a refused command leaves nothing behind), created once every
 * other check has passed.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../errors.js';
import { errorCode, isFolder } from './atomic.js';

/** An output file: its folder must exist and it must not be a folder itself. */
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

/** An output folder: it may be missing (it is created) but its parent must exist, and it must not be a file. */
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
 * Create an output folder checked by checkOutputFolder. Its parent exists, so a plain mkdir does: Node's
 * recursive mkdir never returns for a path under /proc. A folder that cannot be made is a user error.
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
