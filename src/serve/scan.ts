/**
 * The folders a dashboard serves: every study folder (a study.sqlite) and open-search folder (a
 * history.jsonl) at or below the served root. Symbolic links are never followed, so nothing outside the
 * root is listed; hidden folders and node_modules are skipped; a found folder is not searched further.
 */
import { type Dirent, lstatSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { STORE_FILE } from '../study/index.js';

export type FolderKind = 'study' | 'open';

export interface ServedFolder {
  /** Path relative to the root with `/` separators (`.` for the root itself): the folder's id in URLs. */
  id: string;
  path: string;
  kind: FolderKind;
}

export const HISTORY_FILE = 'history.jsonl';
export const SEARCH_FILE = 'search.json';

/** How deep below the root folders are looked for, and how many at most. */
const MAX_DEPTH = 6;
const MAX_FOLDERS = 5000;

function isPlainFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/** The kind of folder `path` is, if it is one the dashboard serves. */
export function folderKind(path: string): FolderKind | null {
  if (isPlainFile(join(path, STORE_FILE))) return 'study';
  if (isPlainFile(join(path, HISTORY_FILE))) return 'open';
  return null;
}

export function scanFolders(root: string): ServedFolder[] {
  const out: ServedFolder[] = [];
  const walk = (dir: string, depth: number): void => {
    if (out.length >= MAX_FOLDERS) return;
    const kind = folderKind(dir);
    if (kind) {
      const rel = relative(root, dir);
      out.push({ id: rel === '' ? '.' : rel.split(sep).join('/'), path: dir, kind });
      return;
    }
    if (depth >= MAX_DEPTH) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      // Dirent of readdir does not follow links: a symlinked folder is not a directory here.
      if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
      walk(join(dir, e.name), depth + 1);
    }
  };
  walk(root, 0);
  return out;
}
