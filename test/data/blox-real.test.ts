/**
 * Importing a BLOX release into the real blox space: fixture files in the official formats for 20 real
 * architectures (the worked examples of BLOX.md §1.5 among them), written by test code. With blox-info
 * present no hash table is needed (rows map by arch_vec, checked against that architecture's hash); a
 * hash-only release maps through the cached hash table.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importBloxRelease, readBloxStore } from '../../src/data/blox/import.js';
import { isHwnasError } from '../../src/errors.js';
import { rawDigits, type StageDigits, stageVec } from '../../src/space/blox/encoding.js';
import { hashCachePath, loadedBloxHashTable } from '../../src/space/blox/hashCache.js';
import { BloxSpace } from '../../src/space/blox/index.js';
import { type FixtureFile, type FixtureRow, writeBloxBinary, writeBloxCsv } from '../fixtures/blox.js';
import { runCli } from '../helpers/cli.js';
import { useTempCache } from '../helpers/data.js';

const cache = useTempCache();
afterAll(() => cache.cleanup());
const space = new BloxSpace();

/** BLOX.md §1.5: (arch vector as given there, model hash, index). The third is not a representative. */
const WORKED: [StageDigits[], string, number][] = [
  [[rawDigits(9), rawDigits(9), rawDigits(9)], '39554afd1b33a44663e653ad10137b9a', 0],
  [
    [
      [0, 1, 1, 1, 1],
      [1, 1, 1, 0, 0],
      [0, 0, 1, 1, 0],
    ],
    'c3bc16e69893c8ea08f1e89e61f4caa5',
    24_519,
  ],
  [
    [
      [1, 0, 0, 1, 1],
      [0, 0, 0, 1, 0],
      [2, 2, 1, 1, 1],
    ],
    'f7e6866bdacd9e871e64f031bd60d52a',
    31 + 45 * 9 + 2025 * 44,
  ],
  [[rawDigits(71), rawDigits(71), rawDigits(71)], '8727035c55e96f431cf0268cb2bb878c', 91_124],
];

interface Arch {
  index: number;
  hash: string;
  arch: number[][][];
}
const archs: Arch[] = [
  ...WORKED.map(([stages, hash, index]) => ({ index, hash, arch: stages.map(stageVec) })),
  ...Array.from({ length: 16 }, (_, k) => {
    const index = ((k + 1) * 5701 + 13) % space.size;
    return { index, hash: space.modelHash(index), arch: space.stages(index).map(stageVec) };
  }),
];
const epochs = 3;
const testTop1 = (i: number) => 50 + (i % 4000) / 100;
const valTop1 = (i: number) => [10, 20 + (i % 50), 15];
const latency = (i: number) => 1 + (i % 997) / 1000;

function valuesFor(kind: FixtureFile['kind'], a: Arch): FixtureRow['values'] {
  const i = a.index;
  switch (kind) {
    case 'base':
      return [valTop1(i), testTop1(i), 1000 + (i % 100)];
    case 'ext':
      return [[1, 2, 3], [2.5, 1.25, 0.5], [5, 6, 7], [3.5, 2.5, 1.5], [50, 60, 70], 1.75, 80];
    case 'info':
      return [100_000 + i, 2_000_000 + i, a.arch];
    case 'env':
      return ['f6f1881', '1.0.0', '11.2', '460.32.03', 'GPU', 'Linux', '0.6.9', '3.8', 'x', '11.1', '1.10', '0.11'];
    case 'bench':
      return [latency(i)];
  }
}

const FILES: [string, FixtureFile['kind'], string][] = [
  ['blox-info', 'info', ''],
  ['blox-base-0', 'base', '0'],
  ['blox-ext-0', 'ext', '0'],
  ['blox-env-0', 'env', '0'],
  ['blox-bench-m7', 'bench', 'm7'],
];

function writeRelease(
  dir: string,
  opts: {
    encode?: (f: FixtureFile) => Uint8Array;
    ext?: string;
    info?: boolean;
    rows?: (kind: FixtureFile['kind']) => FixtureRow[];
  } = {},
): string {
  mkdirSync(dir, { recursive: true });
  const encode = opts.encode ?? writeBloxBinary;
  for (const [name, kind, tag] of FILES) {
    if (kind === 'info' && opts.info === false) continue;
    const rows = opts.rows?.(kind) ?? [...archs].reverse().map((a) => ({ hash: a.hash, values: valuesFor(kind, a) }));
    writeFileSync(join(dir, `${name}.${opts.ext ?? 'blox'}`), encode({ kind, tag, epochs, dataset: 'cifar100', rows }));
  }
  return dir;
}

function expectColumns(): void {
  const { columns } = readBloxStore()!;
  const test = columns.get('test_top1')!;
  const val = columns.get('val_top1')!;
  const params = columns.get('params')!;
  const lat = columns.get('bench-m7')!;
  for (const a of archs) {
    expect(test[a.index], `test_top1 of ${a.index}`).toBeCloseTo(testTop1(a.index), 6);
    expect(val[a.index]).toBeCloseTo(Math.max(...valTop1(a.index)), 6);
    expect(lat[a.index]).toBeCloseTo(latency(a.index), 6);
    if (params) expect(params[a.index]).toBe(100_000 + a.index);
  }
  let covered = 0;
  for (let i = 0; i < space.size; i++) if (!Number.isNaN(test[i]!)) covered++;
  expect(covered).toBe(archs.length);
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isHwnasError(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected an HwnasError');
}

describe('BLOX release import into the real blox space', () => {
  it('the fixture architectures carry the worked-example hashes of BLOX.md §1.5', () => {
    expect(new Set(archs.map((a) => a.index)).size).toBe(20);
    for (const [stages, hash, index] of WORKED) {
      expect(space.parse(JSON.stringify(stages.map(stageVec)))).toBe(index);
      expect(space.modelHash(index)).toBe(hash);
    }
  });

  it('with blox-info: rows map by arch_vec, no hash table is built or loaded', () => {
    for (const [encode, ext] of [
      [writeBloxBinary, 'blox'],
      [writeBloxCsv, 'csv'],
    ] as const) {
      const r = importBloxRelease(writeRelease(join(cache.dir, `with-info-${ext}`), { encode, ext }), space);
      expect(r.files.map((f) => [f.file, f.rows, f.covered, f.missing, f.extra])).toEqual(
        FILES.map(([n]) => [`${n}.${ext}`, 20, 20, space.size - 20, 0]).sort((a, b) =>
          String(a[0]).localeCompare(String(b[0])),
        ),
      );
      expectColumns();
    }
    expect(loadedBloxHashTable()).toBeUndefined();
    expect(existsSync(hashCachePath())).toBe(false);
  });

  it('hwnas data import blox: a 20-architecture release needs no hash scan', () => {
    const dir = writeRelease(join(cache.dir, 'cli'));
    const r = runCli(['data', 'import', 'blox', dir, '--json'], { env: { HWNAS_CACHE: join(cache.dir, 'cli-cache') } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: { file: string; covered: number }[] };
    expect(report.files.every((f) => f.covered === 20)).toBe(true);
    expect(existsSync(join(cache.dir, 'cli-cache', 'derived', 'blox-model-hashes.bin'))).toBe(false);
  });

  it('a blox-info row whose hash belongs to another architecture is an error naming both', () => {
    const dir = join(cache.dir, 'mismatch');
    mkdirSync(dir, { recursive: true });
    const [a, b] = archs;
    writeFileSync(
      join(dir, 'blox-info.csv'),
      writeBloxCsv({ kind: 'info', rows: [{ hash: b!.hash, values: valuesFor('info', a!) }] }),
    );
    expect(errorOf(() => importBloxRelease(dir, space))).toBe(
      `blox-info.csv: line 27: arch_vec ${JSON.stringify(a!.arch)} is architecture ${a!.index} with model hash ${a!.hash}, but model_hash is ${b!.hash}`,
    );
  });

  it('without blox-info: rows map through the cached hash table; unknown hashes are extra', () => {
    const unknown = '0123456789abcdef0123456789abcdef';
    const dir = writeRelease(join(cache.dir, 'hash-only'), {
      info: false,
      rows: (kind) => [
        ...archs.map((a) => ({ hash: a.hash, values: valuesFor(kind, a) })),
        ...(kind === 'base' ? [{ hash: unknown, values: valuesFor(kind, archs[0]!) }] : []),
      ],
    });
    const r = importBloxRelease(dir, space);
    expect(r.files.find((f) => f.file === 'blox-base-0.blox')).toMatchObject({
      rows: 21,
      covered: 20,
      extra: 1,
      extraExamples: [unknown],
    });
    expectColumns();
    expect(existsSync(hashCachePath())).toBe(true);
    expect(loadedBloxHashTable()).toBeDefined();
  });

  it('a large blox-info (12,000 rows, over 1/8 of the space) is checked against the hash table', () => {
    const dir = join(cache.dir, 'large-info');
    mkdirSync(dir, { recursive: true });
    const table = space.hashTable();
    const rows = Array.from({ length: 12_000 }, (_, k) => {
      const index = (k * 7) % space.size;
      return { hash: table.hashAt(index), values: [k, k, space.stages(index).map(stageVec)] };
    });
    rows[11_999]!.hash = table.hashAt(1);
    writeFileSync(join(dir, 'blox-info.blox'), writeBloxBinary({ kind: 'info', rows }));
    expect(errorOf(() => importBloxRelease(dir, space))).toMatch(
      /^blox-info\.blox: row 12000: arch_vec .* is architecture 83993 with model hash [0-9a-f]{32}, but model_hash is /,
    );
    rows[11_999]!.hash = table.hashAt((11_999 * 7) % space.size);
    writeFileSync(join(dir, 'blox-info.blox'), writeBloxBinary({ kind: 'info', rows }));
    expect(importBloxRelease(dir, space).files[0]).toMatchObject({ rows: 12_000, covered: 12_000, extra: 0 });
    expect(readBloxStore()!.columns.get('params')![(5 * 7) % space.size]).toBe(5);
  });

  it('with blox-info: a hash missing from it still maps through the table', () => {
    const [first, ...rest] = archs;
    const dir = writeRelease(join(cache.dir, 'partial-info'), {
      rows: (kind) => (kind === 'info' ? rest : archs).map((a) => ({ hash: a.hash, values: valuesFor(kind, a) })),
    });
    const r = importBloxRelease(dir, space);
    expect(r.files.find((f) => f.file === 'blox-info.blox')).toMatchObject({ covered: 19, extra: 0 });
    expect(r.files.find((f) => f.file === 'blox-base-0.blox')).toMatchObject({ covered: 20, extra: 0 });
    expect(readBloxStore()!.columns.get('test_top1')![first!.index]).toBeCloseTo(testTop1(first!.index), 6);
  });
});
