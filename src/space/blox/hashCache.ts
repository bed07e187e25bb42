/**
 * The persistent cache of all 91,125 BLOX model hashes (`<hwnas cache>/derived/blox-model-hashes.bin`):
 * built once (seconds), then loaded in milliseconds by every process that parses a hash.
 *
 * Layout: `HWNASBH1` (8 bytes) | u32 LE format version | u32 LE network count | sha256 of the digest bytes
 * (32 bytes) | count x 16 digest bytes in index order. A file that is short, long, of another version or
 * count, fails its checksum, or disagrees with freshly computed spot checks is rebuilt, never trusted.
 * It is written atomically (temp file + rename); when the cache folder is not writable the table lives
 * in memory for this process only.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tryWriteFileAtomic } from '../../io/atomic.js';
import { derivedPath } from '../../io/cache-dir.js';
import { progressBar } from '../../io/progress.js';
import type { CellClass } from './cells.js';
import type { StageDigits } from './encoding.js';
import { modelHash } from './hash.js';
import { DIGEST_BYTES, scanModelHashes } from './hashScan.js';
import { ModelHashTable } from './hashTable.js';

const MAGIC = 'HWNASBH1';
/** Bump when the layout or the hash algorithm changes. */
export const HASH_CACHE_VERSION = 1;
const HEADER_BYTES = 8 + 4 + 4 + 32;
const PER_STAGE = 45;
const SIZE = PER_STAGE ** 3;
/** Show a progress bar once a build has run this long. */
const PROGRESS_AFTER_MS = 1000;

export function hashCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return derivedPath('blox-model-hashes.bin', env);
}

export function encodeHashCache(digests: Buffer): Buffer {
  const head = Buffer.alloc(HEADER_BYTES);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(HASH_CACHE_VERSION, 8);
  head.writeUInt32LE(digests.length / DIGEST_BYTES, 12);
  createHash('sha256').update(digests).digest().copy(head, 16);
  return Buffer.concat([head, digests]);
}

/** The digests of a valid cache file, or undefined when anything about it is off. */
export function decodeHashCache(file: Buffer, classes: readonly CellClass[]): Buffer | undefined {
  if (file.length !== HEADER_BYTES + SIZE * DIGEST_BYTES) return undefined;
  if (file.toString('latin1', 0, 8) !== MAGIC) return undefined;
  if (file.readUInt32LE(8) !== HASH_CACHE_VERSION || file.readUInt32LE(12) !== SIZE) return undefined;
  const digests = file.subarray(HEADER_BYTES);
  const sum = createHash('sha256').update(digests).digest();
  if (!sum.equals(file.subarray(16, 48))) return undefined;
  // A checksum only proves the bytes are what was written; spot checks prove they are BLOX's hashes.
  for (const index of [0, 24_519, SIZE - 1]) {
    const stages: StageDigits[] = [index % 45, Math.floor(index / 45) % 45, Math.floor(index / 2025)].map(
      (u) => classes[u]!.rep,
    );
    if (digests.toString('hex', index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES) !== modelHash(stages))
      return undefined;
  }
  return digests;
}

export interface HashTableOptions {
  /** Cache file; default `hashCachePath()`. */
  path?: string;
  /** No progress bar. */
  quiet?: boolean;
}

export interface HashTableLoad {
  table: ModelHashTable;
  /** `loaded`: from a valid cache file; `built`: computed (and `written` says whether it was saved). */
  how: 'loaded' | 'built';
  written: boolean;
}

/** Load the cached table, or build it (and try to cache it) when the file is absent or invalid. */
export function loadOrBuildHashTable(classes: readonly CellClass[], opts: HashTableOptions = {}): HashTableLoad {
  const path = opts.path ?? hashCachePath();
  const cached = readCache(path, classes);
  if (cached) return { table: new ModelHashTable(cached), how: 'loaded', written: false };
  const digests = buildDigests(classes, opts.quiet ?? false);
  const written = writeHashCache(path, digests);
  return { table: new ModelHashTable(digests), how: 'built', written };
}

function readCache(path: string, classes: readonly CellClass[]): Buffer | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return decodeHashCache(readFileSync(path), classes);
  } catch {
    return undefined; // unreadable (permissions, a folder in its place): rebuild in memory
  }
}

function buildDigests(classes: readonly CellClass[], quiet: boolean): Buffer {
  const start = performance.now();
  let bar: ReturnType<typeof progressBar> | undefined;
  const digests = scanModelHashes(classes, (done, total) => {
    if (!bar && !quiet && done < total && performance.now() - start > PROGRESS_AFTER_MS)
      bar = progressBar('BLOX model-hash index (once, then cached)', total);
    bar?.update(done);
  });
  bar?.stop();
  return digests;
}

/** Write the cache file (temp file + rename); false, leaving nothing behind, when that fails. */
export function writeHashCache(path: string, digests: Buffer): boolean {
  return tryWriteFileAtomic(path, encodeHashCache(digests));
}

let shared: ModelHashTable | undefined;

/** The process-wide table (loaded or built on first use). */
export function bloxHashTable(classes: readonly CellClass[], opts: HashTableOptions = {}): ModelHashTable {
  shared ??= loadOrBuildHashTable(classes, opts).table;
  return shared;
}

/** The process-wide table if something already loaded it (never loads or builds). */
export function loadedBloxHashTable(): ModelHashTable | undefined {
  return shared;
}
