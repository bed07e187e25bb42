import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forestFromTrees, forestToJson, predictForest, readForestPickle } from '../../src/data/index.js';
import { isHwnasError } from '../../src/errors.js';
import { NO_SKLEARN_REASON, type SklearnFixture, sklearnFixture } from '../helpers/nnmeter.js';

const enc = new TextEncoder();
const cat = (...parts: (Uint8Array | number[] | string)[]) => {
  const bytes = parts.map((p) =>
    typeof p === 'string' ? Uint8Array.from(p, (c) => c.charCodeAt(0)) : Uint8Array.from(p),
  );
  const out = new Uint8Array(bytes.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const b of bytes) {
    out.set(b, o);
    o += b.length;
  }
  return out;
};
const shortStr = (s: string) => cat([0x8c, enc.encode(s).length], s);

function refusal(bytes: Uint8Array): string {
  try {
    readForestPickle(bytes, 'hostile.pkl');
  } catch (e) {
    expect(isHwnasError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('the hostile pickle was accepted');
}

describe('restricted scikit-learn unpickler: hostile input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwnas-canary-'));
  const canary = join(dir, 'canary');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses os.system through GLOBAL + REDUCE (protocol 0) and creates no canary', () => {
    const p = cat(`cos\nsystem\n(S'touch ${canary}'\ntR.`);
    expect(refusal(p)).toMatch(/global 'os\.system' is not allowed/);
    expect(existsSync(canary)).toBe(false);
  });

  it('refuses os.system through STACK_GLOBAL + REDUCE (protocol 4)', () => {
    const p = cat(
      [0x80, 4],
      shortStr('os'),
      shortStr('system'),
      [0x93],
      shortStr(`touch ${canary}`),
      [0x85, 0x52, 0x2e],
    );
    expect(refusal(p)).toMatch(/global 'os\.system' is not allowed/);
    expect(existsSync(canary)).toBe(false);
  });

  it('refuses builtins.eval and subprocess even when wrapped in a whitelisted-looking module path', () => {
    expect(refusal(cat(`cbuiltins\neval\n(S'1'\ntR.`))).toMatch(/builtins\.eval/);
    expect(refusal(cat(`csklearn.tree._tree\nsubprocess\n.`))).toMatch(/not allowed/);
  });

  it('refuses __setstate__ (BUILD) of an unknown class and BUILD of plain values', () => {
    // collections.OrderedDict() then BUILD: the class itself is not on the whitelist.
    expect(refusal(cat([0x80, 2], `ccollections\nOrderedDict\n)\x81}b.`))).toMatch(/collections\.OrderedDict/);
    // A dict is not an object this reader made: BUILD on it is refused.
    expect(refusal(cat([0x80, 2], '}}b.'))).toMatch(/BUILD \(__setstate__\) of an object this reader did not make/);
    // REDUCE of a whitelisted class (not a callable) is refused too.
    expect(refusal(cat([0x80, 2], `csklearn.ensemble._forest\nRandomForestRegressor\n)R.`))).toMatch(/REDUCE/);
  });

  it('refuses numpy object arrays and exotic dtypes', () => {
    expect(refusal(cat([0x80, 2], `cnumpy\ndtype\nX\x02\x00\x00\x00O8\x89\x88\x87R.`))).toMatch(/dtype 'O8'/);
  });

  it('refuses a truncated pickle with a clear message', () => {
    const p = cat([0x80, 2], `csklearn.ensemble._forest\nRandomForestRegressor\n)\x81}(X\x0b\x00\x00\x00estima`);
    expect(refusal(p)).toMatch(/truncated/);
  });

  it('refuses deep nesting without overflowing the stack', () => {
    const n = 200_000;
    const p = new Uint8Array(2 + n + (n - 1) + 1);
    p.set([0x80, 2]);
    p.fill(0x5d, 2, 2 + n); // EMPTY_LIST x n
    p.fill(0x61, 2 + n, 2 + n + n - 1); // APPEND x (n - 1): each list into the one below it
    p[p.length - 1] = 0x2e;
    expect(refusal(p)).toMatch(/not a pickled RandomForestRegressor/);
  });

  it('never wrote the canary', () => {
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('forests as arrays', () => {
  it('compares features as float32, as scikit-learn does', () => {
    // One split at 0.1 (float64): float32(0.1) = 0.10000000149 > 0.1 goes right.
    const f = forestFromTrees(
      1,
      [{ left: [1, -1, -1], right: [2, -1, -1], feature: [0, -2, -2], threshold: [0.1, -2, -2], value: [0, 1, 2] }],
      't',
    );
    expect(predictForest(f, [0.1])).toBe(2);
    expect(predictForest(f, [0.09999999])).toBe(1);
  });

  it('averages the trees', () => {
    const leaf = (v: number) => ({ left: [-1], right: [-1], feature: [-2], threshold: [-2], value: [v] });
    expect(predictForest(forestFromTrees(2, [leaf(1), leaf(2), leaf(6)], 't'), [0, 0])).toBe(3);
  });

  it('refuses trees whose children are not after their parent (prediction could loop)', () => {
    expect(() =>
      forestFromTrees(
        1,
        [{ left: [0, -1], right: [1, -1], feature: [0, -2], threshold: [1, -2], value: [0, 1] }],
        'loop',
      ),
    ).toThrow(/outside the tree/);
  });
});

describe.skipIf(NO_SKLEARN_REASON !== undefined)(
  `sklearn forests read natively${NO_SKLEARN_REASON ? ` (${NO_SKLEARN_REASON})` : ''}`,
  () => {
    let fx: SklearnFixture | undefined;
    let kernels: string[] = [];
    beforeAll(() => {
      fx = sklearnFixture();
      kernels = Object.keys(fx.kernels);
    }, 900_000);

    it('has every nn-Meter kernel type of the A76 package, with nn-Meter tree counts', () => {
      expect(kernels.length).toBe(16);
      expect(fx!.kernels['conv-bn-relu']!.trees).toBe(320);
      expect(fx!.kernels.concat!.trees).toBe(690);
    });

    for (const layout of ['v023', 'v13'] as const) {
      it(`predicts exactly what sklearn predicts on 10,000 vectors per kernel (${layout} node layout)`, () => {
        for (const k of kernels) {
          const f = readForestPickle(new Uint8Array(readFileSync(join(fx![layout], `${k}.pkl`))), `${k}.pkl`);
          const { x, y } = fx!.vectors(k);
          const nf = fx!.kernels[k]!.features;
          expect(f.nFeatures).toBe(nf);
          expect(f.roots.length).toBe(fx!.kernels[k]!.trees);
          expect(y.length).toBe(10_000);
          let worst = 0;
          for (let i = 0; i < y.length; i++) {
            const p = predictForest(f, x.subarray(i * nf, (i + 1) * nf));
            worst = Math.max(worst, Math.abs(p - y[i]!) / Math.abs(y[i]!));
          }
          expect(worst, k).toBeLessThanOrEqual(1e-9);
        }
      });
    }

    it('keeps the trees through JSON (the format of hwnas nnmeter convert)', () => {
      const f = readForestPickle(new Uint8Array(readFileSync(join(fx!.v13, 'se.pkl'))), 'se.pkl');
      const j = JSON.parse(JSON.stringify(forestToJson(f))) as ReturnType<typeof forestToJson>;
      const g = forestFromTrees(j.nFeatures, j.trees, 'se.json');
      expect(g.threshold).toEqual(f.threshold);
      const { x, y } = fx!.vectors('se');
      for (let i = 0; i < 100; i++) expect(predictForest(g, x.subarray(2 * i, 2 * i + 2))).toBe(y[i]);
    });
  },
  120_000,
);
