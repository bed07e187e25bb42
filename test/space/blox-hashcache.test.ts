/**
 * The BLOX model-hash table and its cache file: the scan agrees with hashing single architectures (worked
 * examples of BLOX.md §1.5 and a random sample), every hash maps back to its index, the file is written
 * atomically, and a damaged or stale file is detected and rebuilt, never trusted.
 */
import { Buffer } from 'node:buffer';
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { derivedPath } from '../../src/io/cache-dir.js';
import { modelHash } from '../../src/space/blox/hash.js';
import {
  decodeHashCache,
  encodeHashCache,
  HASH_CACHE_VERSION,
  hashCachePath,
  loadOrBuildHashTable,
  writeHashCache,
} from '../../src/space/blox/hashCache.js';
import { BloxSpace } from '../../src/space/blox/index.js';
import { useTempCache } from '../helpers/data.js';

const cache = useTempCache();
afterAll(() => cache.cleanup());
const space = new BloxSpace();
const SIZE = 91_125;
const FILE_BYTES = 48 + 16 * SIZE;

const WORKED: [number, string][] = [
  [0, '39554afd1b33a44663e653ad10137b9a'],
  [24_519, 'c3bc16e69893c8ea08f1e89e61f4caa5'],
  [31 + 45 * 9 + 2025 * 44, 'f7e6866bdacd9e871e64f031bd60d52a'],
  [91_124, '8727035c55e96f431cf0268cb2bb878c'],
];

describe('BLOX model-hash table and cache file', () => {
  // One build for the whole file (seconds); later cases load it or damage copies of it.
  const first = loadOrBuildHashTable(space.classes, { quiet: true });
  const path = hashCachePath();
  const good = readFileSync(path);

  it('is built on first need into <HWNAS_CACHE>/derived, then loaded', () => {
    expect(path).toBe(derivedPath('blox-model-hashes.bin'));
    expect(path.startsWith(cache.dir)).toBe(true);
    expect(first).toMatchObject({ how: 'built', written: true });
    expect(statSync(path).size).toBe(FILE_BYTES);
    expect(good.toString('latin1', 0, 8)).toBe('HWNASBH1');
    expect(good.readUInt32LE(8)).toBe(HASH_CACHE_VERSION);
    expect(good.readUInt32LE(12)).toBe(SIZE);
    const again = loadOrBuildHashTable(space.classes, { quiet: true });
    expect(again.how).toBe('loaded');
    expect(again.table.digests.equals(first.table.digests)).toBe(true);
    // no temp files left beside it
    expect(readdirSync(join(cache.dir, 'derived'))).toEqual(['blox-model-hashes.bin']);
  });

  it('holds the worked examples of BLOX.md §1.5 and agrees with hashing single architectures', () => {
    const { table } = first;
    for (const [index, hash] of WORKED) {
      expect(table.hashAt(index)).toBe(hash);
      expect(table.indexOf(hash)).toBe(index);
      expect(table.indexOf(hash.toUpperCase())).toBe(index);
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SIZE - 1 }), (i) => {
        expect(table.hashAt(i)).toBe(modelHash(space.stages(i)));
      }),
      { numRuns: 300 },
    );
  });

  it('maps every one of the 91,125 hashes back to its index (so all are distinct)', () => {
    const { table } = first;
    let wrong = 0;
    for (let i = 0; i < SIZE; i++) if (table.indexOf(table.hashAt(i)) !== i) wrong++;
    expect(wrong).toBe(0);
    expect(table.indexOf('0123456789abcdef0123456789abcdef')).toBeUndefined();
    expect(table.indexOf('not a hash')).toBeUndefined();
  });

  it('rejects damaged or stale files: short, long, bad magic, other version, flipped byte, wrong content', () => {
    expect(decodeHashCache(good, space.classes)).toBeDefined();
    const damaged = (edit: (b: Buffer) => Buffer | undefined) => {
      const copy = Buffer.from(good);
      return decodeHashCache(edit(copy) ?? copy, space.classes);
    };
    const flip = (at: number) => (b: Buffer) => {
      b[at] = b[at]! ^ 1;
      return b;
    };
    expect(damaged((b) => b.subarray(0, b.length - 1))).toBeUndefined();
    expect(damaged((b) => b.subarray(0, 100))).toBeUndefined();
    expect(damaged((b) => Buffer.concat([b, Buffer.alloc(16)]))).toBeUndefined();
    expect(damaged((b) => void b.write('HWNASBX1', 0, 'latin1'))).toBeUndefined();
    expect(damaged((b) => void b.writeUInt32LE(HASH_CACHE_VERSION + 1, 8))).toBeUndefined();
    expect(damaged((b) => void b.writeUInt32LE(SIZE - 1, 12))).toBeUndefined();
    expect(damaged(flip(48 + 16 * 777))).toBeUndefined(); // a digest byte: checksum
    expect(damaged(flip(20))).toBeUndefined(); // the checksum itself
    // A consistent checksum over wrong hashes: the spot checks against freshly computed hashes catch it.
    const swapped = Buffer.from(first.table.digests);
    first.table.digests.copy(swapped, 0, 16, 32);
    expect(decodeHashCache(encodeHashCache(swapped), space.classes)).toBeUndefined();
  });

  it('a truncated cache file is detected and rebuilt, and the rebuilt file is valid', () => {
    truncateSync(path, 1000);
    const r = loadOrBuildHashTable(space.classes, { quiet: true });
    expect(r).toMatchObject({ how: 'built', written: true });
    expect(readFileSync(path).equals(good)).toBe(true);
    expect(r.table.indexOf(WORKED[1]![1])).toBe(24_519);
  });

  it('garbage in place of the file is rebuilt too (no exception)', () => {
    const other = join(cache.dir, 'garbage.bin');
    writeFileSync(other, 'not a cache file');
    expect(() => decodeHashCache(readFileSync(other), space.classes)).not.toThrow();
    expect(decodeHashCache(readFileSync(other), space.classes)).toBeUndefined();
  });

  it('an unwritable cache location is not an error: nothing written, nothing left behind', () => {
    const blocker = join(cache.dir, 'a-file');
    writeFileSync(blocker, 'x');
    const inside = join(blocker, 'derived', 'blox-model-hashes.bin'); // ENOTDIR, even for root
    expect(writeHashCache(inside, first.table.digests)).toBe(false);
    expect(existsSync(join(blocker, 'derived'))).toBe(false);
    const dir = join(cache.dir, 'rw');
    expect(writeHashCache(join(dir, 'h.bin'), first.table.digests)).toBe(true);
    expect(readdirSync(dir)).toEqual(['h.bin']);
  });
});
