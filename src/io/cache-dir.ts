/**
 * Where downloaded and derived data live: `$HWNAS_CACHE`, else `$XDG_CACHE_HOME/hwnas`, else
 * `~/.cache/hwnas`. Derived files (compact tables, indexes built once) live under `derived/`.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HWNAS_CACHE) return resolve(env.HWNAS_CACHE);
  if (env.XDG_CACHE_HOME) return resolve(env.XDG_CACHE_HOME, 'hwnas');
  return join(homedir(), '.cache', 'hwnas');
}

export function derivedPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'derived', name);
}
