/**
 * BLOX notations: index <-> arch vector <-> compact form <-> model hash, against the worked examples of
 * BLOX.md §1.5 and the 500 (index, arch_vec, model_hash) vectors of blox_hash_vectors.csv; bad input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HwnasError } from '../../src/errors.js';
import { getSpace } from '../../src/space/all.js';
import { isEmptyStage, rawDigits, type StageDigits, stageRaw } from '../../src/space/blox/encoding.js';
import { modelHash } from '../../src/space/blox/hash.js';
import { BloxSpace } from '../../src/space/blox/index.js';
import { useTempCache } from '../helpers/data.js';

// Parsing a hash builds the model-hash table once and caches it: in a temp cache, not the user's.
const cache = useTempCache();
afterAll(() => cache.cleanup());
const space = new BloxSpace();
// The reference lives beside the checkout (../shared/reference); absent there, the vector tests skip.
const REFERENCE = fileURLToPath(new URL('../../../shared/reference/blox_hash_vectors.csv', import.meta.url));

function userError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HwnasError);
    const line = (e as HwnasError).line();
    expect(line).not.toContain('\n');
    return line;
  }
  throw new Error('expected a user error');
}

describe('BLOX space shape', () => {
  it('is registered with 3 decisions of 45 cells, 91,125 networks, 100 classes', () => {
    const s = getSpace('blox');
    expect(s.size).toBe(91_125);
    expect(s.decisions.map((d) => [d.name, d.choices.length])).toEqual([
      ['stage0', 45],
      ['stage1', 45],
      ['stage2', 45],
    ]);
    expect(s.defaultClasses).toBe(100);
  });

  it('index = u0 + 45 u1 + 2025 u2', () => {
    expect(space.decode(24_519)).toEqual([39, 4, 12]);
    expect(space.encode([39, 4, 12])).toBe(24_519);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 91_124 }), (i) => {
        const [u0, u1, u2] = space.decode(i);
        expect(u0! + 45 * u1! + 2025 * u2!).toBe(i);
        expect(space.encode(space.decode(i))).toBe(i);
      }),
    );
  });
});

describe('BLOX model hash (BLOX.md §1.5 worked examples)', () => {
  const examples: [string, string, number][] = [
    ['[[[0],[0,1,0,0]],[[0],[0,1,0,0]],[[0],[0,1,0,0]]]', '39554afd1b33a44663e653ad10137b9a', 0],
    ['[[[0],[1,1,1,1]],[[1],[1,1,0,0]],[[0],[0,1,1,0]]]', 'c3bc16e69893c8ea08f1e89e61f4caa5', 24_519],
    // Not a representative: stage 0 is the parallel class 31, stage 1 the single conv (class 9).
    ['[[[1],[0,0,1,1]],[[0],[0,0,1,0]],[[2],[2,1,1,1]]]', 'f7e6866bdacd9e871e64f031bd60d52a', 31 + 45 * 9 + 2025 * 44],
    ['[[[2],[2,1,1,1]],[[2],[2,1,1,1]],[[2],[2,1,1,1]]]', '8727035c55e96f431cf0268cb2bb878c', 91_124],
  ];
  it.each(examples)('%s -> %s', (arch, hash, index) => {
    expect(space.parse(arch)).toBe(index);
    expect(space.modelHash(index)).toBe(hash);
    expect(space.parse(hash)).toBe(index);
    expect(space.parse(hash.toUpperCase())).toBe(index);
  });

  it('any valid raw arch hashes like its class representative', () => {
    const valid = Array.from({ length: 72 }, (_, r) => r).filter((r) => !isEmptyStage(rawDigits(r)));
    const raw = fc.constantFrom(...valid.map(rawDigits));
    fc.assert(
      fc.property(fc.tuple(raw, raw, raw), (stages: StageDigits[]) => {
        const index = space.parse(JSON.stringify(stages.map((d) => [[d[0]], d.slice(1)])));
        expect(modelHash(stages)).toBe(space.modelHash(index));
      }),
      { numRuns: 150 },
    );
    expect(valid).toHaveLength(63);
    expect(valid.every((r) => stageRaw(rawDigits(r)) === r)).toBe(true);
  });
});

describe.skipIf(!existsSync(REFERENCE))(
  `BLOX hash vectors (../shared/reference/blox_hash_vectors.csv, 500 rows)${existsSync(REFERENCE) ? '' : ': file absent, skipped'}`,
  () => {
    const rows = existsSync(REFERENCE)
      ? readFileSync(REFERENCE, 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => {
            const m = /^(\d+),"(.*)",([0-9a-f]{32})$/.exec(line.trim());
            if (!m) throw new Error(`bad vector line ${line}`);
            return { index: Number(m[1]), arch: m[2]!, hash: m[3]! };
          })
      : [];

    it('format, model hash and parse agree with every vector', () => {
      expect(rows).toHaveLength(500);
      for (const r of rows) {
        expect(space.format(r.index)).toBe(r.arch);
        expect(space.modelHash(r.index)).toBe(r.hash);
        expect(space.parse(r.arch)).toBe(r.index);
      }
    });

    it('parses every hash back to its index (full hash table)', () => {
      for (const r of rows) expect(space.parse(r.hash)).toBe(r.index);
      const table = space.hashTable();
      for (const r of rows) {
        expect(table.indexOf(r.hash)).toBe(r.index);
        expect(table.hashAt(r.index)).toBe(r.hash);
      }
      // An unknown hash is an error, not a hang.
      expect(userError(() => space.parse('0123456789abcdef0123456789abcdef'))).toMatch(
        /no BLOX network has model hash 0123456789abcdef0123456789abcdef/,
      );
    });
  },
);

describe('BLOX notations', () => {
  it('README example in every notation', () => {
    expect(space.notations(24_519)).toEqual({
      index: 24_519,
      arch_vec: '[[[0],[1,1,1,1]],[[1],[1,1,0,0]],[[0],[0,1,1,0]]]',
      model_hash: 'c3bc16e69893c8ea08f1e89e61f4caa5',
      compact: '01111_11100_00110',
      cell0: 'mbconv(conv(x) + x) + conv(x)',
      cell1: 'mbconv(mbconv(x))',
      cell2: 'conv(conv(x) + x)',
    });
  });

  it('parses index, nested and flat arch vectors, compact form; format round-trips', () => {
    expect(space.parse('24519')).toBe(24_519);
    expect(space.parse(' [[[0], [1, 1, 1, 1]], [[1], [1, 1, 0, 0]], [[0], [0, 1, 1, 0]]] ')).toBe(24_519);
    expect(space.parse('[0,1,1,1,1,1,1,1,0,0,0,0,1,1,0]')).toBe(24_519);
    expect(space.parse('01111_11100_00110')).toBe(24_519);
    // Non-representatives map to their class: [[2],[0,0,0,1]] is bconv alone, like [[0],[2,0,1,0]].
    expect(space.parse('[[[2],[0,0,0,1]],[[0],[0,1,0,0]],[[0],[0,1,0,0]]]')).toBe(11);
    expect(space.parse('20001_00100_00100')).toBe(11);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 91_124 }), (i) => {
        const n = space.notations(i);
        expect(space.parse(space.format(i))).toBe(i);
        expect(space.parse(String(n.compact))).toBe(i);
        expect(n.arch_vec).toBe(space.format(i));
      }),
      { numRuns: 200 },
    );
  });
});

describe('BLOX bad input: one clear line each', () => {
  const cases: [string, RegExp][] = [
    ['[[[0],[1,1', /malformed BLOX arch vector JSON/],
    ['{"a":1}', /cannot read BLOX architecture/],
    ['[[[3],[0,1,0,0]],[[0],[0,1,0,0]],[[0],[0,1,0,0]]]', /stage 0 op0 = 3 is out of range.*0=conv, 1=mbconv, 2=bconv/],
    ['[[[0],[0,1,0,0]],[[0],[0,2,0,0]],[[0],[0,1,0,0]]]', /stage 1 prev = 2 is out of range/],
    ['[[[0],[0,1,0,0]],[[0],[0,1,0,0]],[[1],[2,0,0,0]]]', /stage 2 \[\[1\],\[2,0,0,0\]\] is an empty cell/],
    ['[[[0],[0,1,0,0]],[[0],[0,1,0,0]]]', /needs 3 stages/],
    ['[[[0],[0,1,0]],[[0],[0,1,0,0]],[[0],[0,1,0,0]]]', /stage 0 is not of the form/],
    ['[0,1,1,1,1,1,1,1,0,0,0,0,1,1,0.5]', /stage 2 sc = 0.5 is out of range/],
    ['00000_00100_00100', /stage 0 \[\[0\],\[0,0,0,0\]\] is an empty cell/],
    ['01111_11100_00103', /stage 2 sc = 3 is out of range/],
    ['91125', /BLOX index 91125 is out of range/],
    ['-1', /cannot read BLOX architecture/],
    ['resnet', /cannot read BLOX architecture 'resnet'/],
  ];
  it.each(cases)('%s', (text, message) => {
    expect(userError(() => space.parse(text))).toMatch(message);
  });

  it('encode/decode range checks', () => {
    expect(userError(() => space.decode(91_125))).toMatch(/out of range/);
    expect(userError(() => space.encode([0, 45, 0]))).toMatch(/stage1 code 45 is out of range/);
    expect(userError(() => space.encode([0, 0]))).toMatch(/needs 3 stage codes/);
  });
});
