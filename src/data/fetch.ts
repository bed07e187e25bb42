/**
 * Fetch, verify and cache pinned files. A file is downloaded from the GitHub raw host (or `HWNAS_MIRROR`,
 * a local folder or an http(s) URL laid out the same way) into a temporary file next to its cache path,
 * checked against its pinned sha256 and only then renamed into place: a mismatch is refused and nothing
 * already cached is replaced.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, HwnasError } from '../errors.js';
import { AtomicWriteError, writeFilesAtomicOrThrow } from '../io/atomic.js';
import { progressBar } from '../io/progress.js';
import { cachedFilePath, rawPath } from './cache.js';
import { DATASETS, type Dataset, datasetFiles, type PinnedFile } from './manifest.js';

export const DEFAULT_BASE = 'https://raw.githubusercontent.com';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function getDataset(id: string): Dataset {
  const ds = DATASETS.find((d) => d.id === id);
  if (!ds) fail(`unknown dataset '${id}'`, `use one of: ${DATASETS.map((d) => d.id).join(', ')}`);
  return ds;
}

function offlineHint(datasetId: string): string {
  return `offline? set HWNAS_MIRROR to a folder or URL laid out like raw.githubusercontent.com, or run 'hwnas data fetch ${datasetId}' where the network is reachable`;
}

/** Where a file is downloaded from: `{ kind: 'url' | 'path', location }`. */
export function sourceLocation(
  file: PinnedFile,
  env: NodeJS.ProcessEnv = process.env,
): { kind: 'url' | 'path'; location: string } {
  const base = env.HWNAS_MIRROR?.trim() || DEFAULT_BASE;
  if (/^https?:\/\//i.test(base)) return { kind: 'url', location: `${base.replace(/\/+$/, '')}/${rawPath(file)}` };
  const folder = base.startsWith('file:') ? fileURLToPath(base) : isAbsolute(base) ? base : resolve(base);
  return { kind: 'path', location: join(folder, ...rawPath(file).split('/')) };
}

async function download(file: PinnedFile, datasetId: string, onBytes: (n: number) => void): Promise<Uint8Array> {
  const src = sourceLocation(file);
  if (src.kind === 'path') {
    if (!existsSync(src.location))
      fail(
        `cannot read ${src.location}: no such file in the mirror HWNAS_MIRROR=${process.env.HWNAS_MIRROR}`,
        `point HWNAS_MIRROR at a folder laid out like raw.githubusercontent.com (<owner>/<repo>/<commit>/<path>), or unset it to download, then run 'hwnas data fetch ${datasetId}'`,
      );
    const bytes = readFileSync(src.location);
    onBytes(bytes.length);
    return bytes;
  }
  let res: Response;
  try {
    res = await fetch(src.location, { signal: AbortSignal.timeout(120_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    fail(`cannot download ${src.location}: ${why}`, offlineHint(datasetId));
  }
  if (!res.ok || !res.body) fail(`cannot download ${src.location}: HTTP ${res.status}`, offlineHint(datasetId));
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body) {
      chunks.push(chunk);
      total += chunk.length;
      onBytes(chunk.length);
    }
  } catch (e) {
    fail(`download of ${src.location} broke off: ${(e as Error).message}`, offlineHint(datasetId));
  }
  return Buffer.concat(chunks, total);
}

/** Store verified bytes atomically: temp file beside the target, sha256 check, rename. */
export function storeVerified(file: PinnedFile, bytes: Uint8Array, from: string): string {
  const got = sha256Hex(bytes);
  if (got !== file.sha256) {
    fail(
      `sha256 mismatch for ${from}: expected ${file.sha256}, got ${got}; refused, nothing replaced`,
      'the mirror or download is not the pinned file; check HWNAS_MIRROR',
    );
  }
  const dest = cachedFilePath(file);
  try {
    writeFilesAtomicOrThrow([[dest, bytes]]);
  } catch (e) {
    if (!(e instanceof AtomicWriteError)) throw e;
    fail(`cannot write the cache file ${dest}: ${e.code}`, 'set HWNAS_CACHE to a writable folder');
  }
  return dest;
}

/** True when the cached copy exists and matches its pinned sha256. */
export function isCachedValid(file: PinnedFile): boolean {
  const p = cachedFilePath(file);
  return existsSync(p) && sha256Hex(readFileSync(p)) === file.sha256;
}

/**
 * Make sure every pinned file of a dataset is in the cache and verified; download what is missing (with a
 * progress bar on a terminal). Returns the local paths, in manifest order.
 */
export async function ensureFiles(datasetId: string, opts: { quiet?: boolean } = {}): Promise<string[]> {
  const ds = getDataset(datasetId);
  const files = datasetFiles(ds);
  const missing = files.filter((f) => !isCachedValid(f));
  if (missing.length > 0) {
    const bar = progressBar(`fetching ${datasetId}`, missing.length, {
      quiet: opts.quiet,
      format: `fetching ${datasetId} [{bar}] {value}/{total} files | {mb} MB`,
      initial: { mb: '0.0' },
    });
    let bytes = 0;
    try {
      for (let i = 0; i < missing.length; i++) {
        const f = missing[i]!;
        const data = await download(f, datasetId, (n) => {
          bytes += n;
          bar.update(i, { mb: (bytes / 1e6).toFixed(1) });
        });
        storeVerified(f, data, sourceLocation(f).location);
        bar.update(i + 1, { mb: (bytes / 1e6).toFixed(1) });
      }
    } finally {
      bar.stop();
    }
  }
  return files.map((f) => cachedFilePath(f));
}

/** Read a pinned file from the cache (after ensureFiles). */
export function readCached(file: PinnedFile): Uint8Array {
  const p = cachedFilePath(file);
  if (!existsSync(p)) throw new HwnasError(`${rawPath(file)} is not in the cache`, `run 'hwnas data fetch'`);
  return readFileSync(p);
}
