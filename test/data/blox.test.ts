import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBloxFileName, readBloxHeader } from '../../src/data/blox/format.js';
import { importBloxRelease, readBloxFile, readBloxStore } from '../../src/data/blox/import.js';
import type { BloxRow } from '../../src/data/blox/rows.js';
import { isHwnasError } from '../../src/errors.js';
import { resolveSource } from '../../src/objectives/all.js';
import { type FixtureFile, type FixtureRow, writeBloxBinary, writeBloxCsv } from '../fixtures/blox.js';
import { toySpace, useTempCache } from '../helpers/data.js';

// The format samples live beside the checkout (../shared/reference); absent there, their tests skip.
const SAMPLES =
  process.env.HWNAS_BLOX_SAMPLES ??
  fileURLToPath(new URL('../../../shared/reference/blox-format-samples', import.meta.url));

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isHwnasError(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected an HwnasError');
}

function toFixture(
  name: string,
  rows: BloxRow[],
  header: { seed?: number; epochs?: number; dataset?: string; device?: string },
): FixtureFile {
  const f = parseBloxFileName(name)!;
  return {
    kind: f.kind,
    tag: f.tag,
    epochs: header.epochs,
    dataset: header.dataset,
    rows: rows.map((r) => ({ hash: r.hash, values: r.values })),
  };
}

describe.skipIf(!existsSync(SAMPLES))(`the fixture writer reproduces BLOX's own files (${SAMPLES})`, () => {
  const names = existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((n) => parseBloxFileName(n)) : [];
  for (const name of names) {
    it(`reads ${name} and writes it back identically`, () => {
      const bytes = readFileSync(join(SAMPLES, name));
      const { header, rows } = readBloxFile(join(SAMPLES, name), parseBloxFileName(name)!, name);
      expect(rows).toHaveLength(3);
      const fx = toFixture(name, rows, header);
      if (name.endsWith('.csv'))
        expect(Buffer.from(writeBloxCsv(fx)).toString('latin1')).toBe(bytes.toString('latin1'));
      else {
        const ours = Buffer.from(writeBloxBinary(fx));
        const split = (b: Buffer) => {
          const end = b.indexOf('---\n', 3) + 4;
          return { head: b.subarray(0, end).toString('latin1'), body: inflateSync(b.subarray(end)).toString('hex') };
        };
        expect(split(ours)).toEqual(split(bytes));
      }
    });
  }
  it('decodes the documented values', () => {
    const info = readBloxFile(
      join(SAMPLES, 'blox-info.blox'),
      parseBloxFileName('blox-info.blox')!,
      'blox-info.blox',
    ).rows;
    expect(info[0]!.hash).toBe('c3bc16e69893c8ea08f1e89e61f4caa5');
    expect(info[0]!.values).toEqual([
      1234567,
      287654321,
      [
        [[0], [1, 1, 1, 1]],
        [[1], [1, 1, 0, 0]],
        [[0], [0, 1, 1, 0]],
      ],
    ]);
    const base = readBloxFile(join(SAMPLES, 'blox-base-0.blox'), parseBloxFileName('blox-base-0.blox')!, 'b').rows;
    expect(base[0]!.values).toEqual([[68.74, 41.1, 14.56, 5.6], 12.42, 12345]);
    const bench = readBloxFile(
      join(SAMPLES, 'blox-bench-examplegpu.csv'),
      parseBloxFileName('blox-bench-examplegpu.csv')!,
      'b',
    ).rows;
    expect(bench.map((r) => r.values[0])).toEqual([8.012533, 5.180518, 6.067955]);
  });
});

// ---- a synthetic release over a 6-architecture toy space named 'blox'
const N = 6;
const hashOf = (i: number) => createHash('md5').update(`arch-${i}`).digest('hex');
const archOf = (i: number): number[][][] => [
  [[i % 3], [i % 2, 1, 0, 1]],
  [[0], [1, 1, 1, 0]],
  [[2], [0, 0, 1, 1]],
];
const aliases = Object.fromEntries(
  Array.from({ length: N }, (_, i) => [[hashOf(i), i] as const, [JSON.stringify(archOf(i)), i] as const]).flat(),
);
const space = toySpace([2, 3], 'blox', aliases);

const epochs = 3;
const val = (i: number) => [10 + i * 2, 30.5 + i, 20.02 + i * 3];
const rowsFor = (kind: FixtureFile['kind'], i: number): FixtureRow['values'] => {
  switch (kind) {
    case 'base':
      return [val(i), 60 + i * 0.01, 1000 + i];
    case 'ext':
      return [
        [1, 2, 3 + i],
        [2.5, 1.25, 0.5 + i / 8],
        [5, 6, 7],
        [3.5, 2.5, 1.5 + i / 4],
        [50, 60, 70 + i * 0.02],
        1.75 + i / 1000,
        80 + i * 0.01,
      ];
    case 'info':
      return [100000 + i, 2000000 + i, archOf(i)];
    case 'env':
      return [
        'f6f1881',
        '1.0.0',
        '11.2',
        '460.32.03',
        'GeForce RTX 2080 Ti',
        'Linux-x86_64',
        '0.6.9',
        '3.8.10.final.0',
        'deadbeef',
        '11.1',
        '1.10.0+cu111',
        '0.11.1+cu111',
      ];
    case 'bench':
      return [1.5 + i / 4];
  }
};

function release(
  dir: string,
  encode: (f: FixtureFile) => Uint8Array,
  ext: string,
  opts: { skip?: number; extra?: boolean } = {},
): void {
  mkdirSync(dir, { recursive: true });
  const files: [string, FixtureFile['kind'], string][] = [
    ['blox-base-0', 'base', '0'],
    ['blox-ext-0', 'ext', '0'],
    ['blox-info', 'info', ''],
    ['blox-env-0', 'env', '0'],
    ['blox-bench-m7', 'bench', 'm7'],
  ];
  for (const [name, kind, tag] of files) {
    const ids = [5, 3, 1, 0, 2, 4].filter((i) => i !== opts.skip);
    const rows: FixtureRow[] = ids.map((i) => ({ hash: hashOf(i), values: rowsFor(kind, i) }));
    if (opts.extra && kind === 'base') rows.push({ hash: hashOf(99), values: rowsFor(kind, 0) });
    writeFileSync(join(dir, `${name}.${ext}`), encode({ kind, tag, epochs, dataset: 'cifar100', rows }));
  }
}

describe('BLOX release import', () => {
  let tmp: ReturnType<typeof useTempCache>;
  beforeAll(() => {
    tmp = useTempCache();
  });
  afterAll(() => tmp.cleanup());

  it('imports a .csv release and a .blox release to identical tables', () => {
    release(join(tmp.dir, 'csv'), writeBloxCsv, 'csv');
    release(join(tmp.dir, 'bin'), writeBloxBinary, 'blox');
    const a = importBloxRelease(join(tmp.dir, 'csv'), space);
    const colsA = readBloxStore()!.columns;
    const b = importBloxRelease(join(tmp.dir, 'bin'), space);
    const colsB = readBloxStore()!.columns;
    expect(a.columns).toEqual(b.columns);
    expect(a.columns.map((c) => c.name)).toEqual([
      'bench-m7',
      'flops',
      'params',
      'test_loss',
      'test_top1',
      'test_top5',
      'train_loss',
      'train_time_s',
      'train_top1',
      'train_top5',
      'val_loss',
      'val_top1',
      'val_top5',
    ]);
    for (const [name, col] of colsA) {
      const other = colsB.get(name)!;
      for (let i = 0; i < N; i++) expect(other[i], `${name}[${i}]`).toBeCloseTo(col[i]!, 6);
    }
    for (let i = 0; i < N; i++) {
      expect(colsA.get('test_top1')![i]).toBeCloseTo(60 + i * 0.01, 9);
      expect(colsA.get('val_top1')![i]).toBe(Math.max(...val(i)));
      expect(colsA.get('val_loss')![i]).toBe(1.5 + i / 4);
      expect(colsA.get('bench-m7')![i]).toBe(1.5 + i / 4);
      expect(colsA.get('params')![i]).toBe(100000 + i);
    }
    expect(a.files.map((f) => [f.file, f.rows, f.missing, f.extra])).toEqual([
      ['blox-base-0.csv', 6, 0, 0],
      ['blox-bench-m7.csv', 6, 0, 0],
      ['blox-env-0.csv', 6, 0, 0],
      ['blox-ext-0.csv', 6, 0, 0],
      ['blox-info.csv', 6, 0, 0],
    ]);
    expect(a.env?.gpu).toBe('GeForce RTX 2080 Ti');
  });

  it('reports missing and extra rows; blox:<column> needs --allow-missing then', async () => {
    release(join(tmp.dir, 'partial'), writeBloxCsv, 'csv', { skip: 4, extra: true });
    const r = importBloxRelease(join(tmp.dir, 'partial'), space);
    const base = r.files.find((f) => f.file === 'blox-base-0.csv')!;
    expect(base).toMatchObject({ rows: 6, covered: 5, missing: 1, extra: 1, extraExamples: [hashOf(99)] });
    await expect(resolveSource('blox:test_top1', { space })).rejects.toThrow(/1 of 6 architectures have no value/);
    const col = await resolveSource('blox:test_top1', { space, allowMissing: true });
    expect(col).toMatchObject({ direction: 'max', unit: '%', source: 'blox:test_top1' });
    expect(Number.isNaN(col.values[4]!)).toBe(true);
    expect(col.values[5]).toBeCloseTo(60.05, 9);
    const lat = await resolveSource('blox:bench-m7', { space, allowMissing: true });
    expect(lat.direction).toBe('min');
    await expect(resolveSource('blox:nope', { space })).rejects.toThrow(/no column 'nope'/);
  });

  it('prefers .blox over .csv for the same file', () => {
    const dir = join(tmp.dir, 'both');
    release(dir, writeBloxCsv, 'csv');
    release(dir, writeBloxBinary, 'blox');
    expect(importBloxRelease(dir, space).files.every((f) => f.file.endsWith('.blox'))).toBe(true);
  });

  it('validates headers', () => {
    const dir = join(tmp.dir, 'hdr');
    mkdirSync(dir, { recursive: true });
    const good = Buffer.from(
      writeBloxCsv({ kind: 'base', tag: '0', epochs, rows: [{ hash: hashOf(0), values: rowsFor('base', 0) }] }),
    ).toString('utf8');
    const bad = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return errorOf(() => readBloxFile(join(dir, name), parseBloxFileName(name)!, name));
    };
    expect(bad('blox-base-0.csv', good.replace('- test_top1\n', ''))).toMatch(/^blox-base-0\.csv: columns are/);
    expect(bad('blox-base-1.csv', good)).toBe('blox-base-1.csv: seed is 0, but the file name says 1');
    expect(bad('blox-base-0.csv', good.replace('  nodes: 2', '  nodes: 3'))).toMatch(
      /search_space is not the BLOX space/,
    );
    expect(bad('blox-base-0.csv', good.replace('format: csv', 'format: custom'))).toMatch(
      /format is 'custom', expected 'csv'/,
    );
    expect(bad('blox-base-0.csv', good.replace(/\n---\n/, '\n'))).toMatch(/no end of the YAML header/);
    expect(bad('blox-base-0.csv', `x${good}`)).toMatch(/does not start with a YAML header/);
    expect(bad('blox-base-0.csv', good.replace('*id001\n  - *id001', '*id002\n  - *id001'))).toMatch(
      /YAML header does not parse/,
    );
  });

  it('validates rows with file and line', () => {
    const dir = join(tmp.dir, 'rows');
    mkdirSync(dir, { recursive: true });
    const good = Buffer.from(
      writeBloxCsv({
        kind: 'base',
        tag: '0',
        epochs,
        rows: [0, 1].map((i) => ({ hash: hashOf(i), values: rowsFor('base', i) })),
      }),
    ).toString('utf8');
    const bad = (text: string) => {
      writeFileSync(join(dir, 'blox-base-0.csv'), text);
      return errorOf(() => importBloxRelease(dir, space));
    };
    // the header is 30 lines; rows are lines 31 and 32
    expect(bad(good.replace(',1001\r\n', ',1001,7\r\n'))).toBe(
      'blox-base-0.csv: line 32: 5 fields, expected 4 (model_hash, val_top1, test_top1, train_time_s)',
    );
    expect(bad(good.replace(',1001\r\n', ',fast\r\n'))).toBe(
      "blox-base-0.csv: line 32: column 'train_time_s': 'fast' is not an integer",
    );
    expect(bad(good.replace('60.01', '160.01'))).toBe(
      "blox-base-0.csv: line 32: column 'test_top1': accuracy 160.01 is above 100%",
    );
    expect(bad(good.replace('"[12.0, 31.5, 23.02]"', '"[12.0, 31.5]"'))).toBe(
      "blox-base-0.csv: line 32: column 'val_top1': 2 epochs, the header says 3",
    );
    expect(bad(good.replace(hashOf(1), hashOf(0)))).toMatch(
      /^blox-base-0\.csv: line 32: architecture 0 \(hash [0-9a-f]{32}\) already given at line 31/,
    );
    expect(bad(good.replace(hashOf(1), 'XYZ'))).toBe(
      "blox-base-0.csv: line 32: model_hash 'XYZ' is not 32 lowercase hex digits",
    );
  });

  it('truncated or corrupted .blox files give HwnasErrors', () => {
    const dir = join(tmp.dir, 'corrupt');
    mkdirSync(dir, { recursive: true });
    const good = Buffer.from(
      writeBloxBinary({
        kind: 'base',
        tag: '0',
        epochs,
        rows: [0, 1, 2].map((i) => ({ hash: hashOf(i), values: rowsFor('base', i) })),
      }),
    );
    const end = good.indexOf('---\n', 3) + 4;
    for (let cut = end + 1; cut < good.length; cut += 3) {
      writeFileSync(join(dir, 'blox-base-0.blox'), good.subarray(0, cut));
      errorOf(() => importBloxRelease(dir, space));
    }
    // A valid zlib stream whose bit count disagrees with the rows.
    const hdr = good.subarray(0, end);
    const body = inflateSync(good.subarray(end));
    body[0] = body[0]! + 8;
    writeFileSync(join(dir, 'blox-base-0.blox'), Buffer.concat([hdr, deflateSync(body)]));
    expect(errorOf(() => importBloxRelease(dir, space))).toMatch(/bit stream length mismatch/);
  });

  it('checks arch_vec against model_hash in blox-info', () => {
    const dir = join(tmp.dir, 'archmismatch');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'blox-info.csv'),
      writeBloxCsv({ kind: 'info', rows: [{ hash: hashOf(0), values: [1, 2, archOf(1)] }] }),
    );
    expect(errorOf(() => importBloxRelease(dir, space))).toMatch(
      /arch_vec .* is architecture 1, but model_hash .* is 0/,
    );
  });

  it('an empty folder names what it expects', () => {
    const dir = join(tmp.dir, 'empty');
    mkdirSync(dir, { recursive: true });
    expect(errorOf(() => importBloxRelease(dir, space))).toMatch(/no BLOX release files/);
    expect(errorOf(() => importBloxRelease(join(tmp.dir, 'absent'), space))).toMatch(/absent does not exist$/);
    writeFileSync(join(tmp.dir, 'a-file'), 'x');
    expect(errorOf(() => importBloxRelease(join(tmp.dir, 'a-file'), space))).toMatch(/a-file: not a folder$/);
  });

  it('header parser resolves YAML anchors', () => {
    const bytes = writeBloxCsv({ kind: 'bench', tag: 'pi4', rows: [] });
    const { header } = readBloxHeader(bytes, parseBloxFileName('blox-bench-pi4.csv')!, 'x');
    expect(header.search_space).toEqual({
      shape: [
        [[3], [3, 2, 2, 2]],
        [[3], [3, 2, 2, 2]],
        [[3], [3, 2, 2, 2]],
      ],
      nodes: 2,
      stages: 3,
      ops: ['conv', 'mbconv', 'bconv'],
    });
    expect(header.device).toBe('pi4');
  });
});
