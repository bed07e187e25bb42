/**
 * Where downloaded files live in the cache folder (io/cache-dir.ts): GitHub's raw layout under `files/`,
 * so a cache is itself a valid mirror.
 */
import { join } from 'node:path';
import { cacheDir } from '../io/cache-dir.js';
import type { PinnedFile } from './manifest.js';

/** The path of a pinned file relative to a raw-files base: `<owner>/<repo>/<commit>/<path>`. */
export function rawPath(file: PinnedFile): string {
  return `${file.repo}/${file.commit}/${file.path}`;
}

export function cachedFilePath(file: PinnedFile, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'files', ...rawPath(file).split('/'));
}
