/**
 * Where downloaded and derived data live: `$HWNAS_CACHE`, else `$XDG_CACHE_HOME/hwnas`, else
 * `~/.cache/hwnas`. Downloaded files keep GitHub's raw layout under `files/` (so a cache is itself a
 * valid mirror); derived compact tables live under `derived/`.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PinnedFile } from './manifest.js';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HWNAS_CACHE) return resolve(env.HWNAS_CACHE);
  if (env.XDG_CACHE_HOME) return resolve(env.XDG_CACHE_HOME, 'hwnas');
  return join(homedir(), '.cache', 'hwnas');
}

/** The path of a pinned file relative to a raw-files base: `<owner>/<repo>/<commit>/<path>`. */
export function rawPath(file: PinnedFile): string {
  return `${file.repo}/${file.commit}/${file.path}`;
}

export function cachedFilePath(file: PinnedFile, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'files', ...rawPath(file).split('/'));
}

export function derivedPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'derived', name);
}
