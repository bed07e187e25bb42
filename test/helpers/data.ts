/** Helpers for data tests: the real-data mirror (optional), temp caches, a small fake space. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail } from '../../src/errors.js';
import type { SearchSpace } from '../../src/space/types.js';
import { mixedRadixDecode, mixedRadixEncode } from '../../src/space/types.js';

/** Folder of the real-data mirror (HWNAS_MIRROR), or undefined: tests on real data skip then. */
export const MIRROR =
  process.env.HWNAS_MIRROR && !/^https?:/.test(process.env.HWNAS_MIRROR) ? process.env.HWNAS_MIRROR : undefined;
export const NO_MIRROR_REASON = 'real NB201/HELP data: set HWNAS_MIRROR=/path/to/mirror to run (skipped)';

/** Point the cache (and optionally the mirror) at temp folders for the duration of a test file. */
export function useTempCache(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hwnas-data-test-'));
  const prev = process.env.HWNAS_CACHE;
  process.env.HWNAS_CACHE = dir;
  return {
    dir,
    cleanup() {
      if (prev === undefined) delete process.env.HWNAS_CACHE;
      else process.env.HWNAS_CACHE = prev;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A toy closed space: codes per decision, notation `c0-c1-...` (e.g. `1-2`), or the index itself.
 * `aliases` adds extra notations (e.g. hashes) mapped to indices.
 */
export function toySpace(radix: number[], id = 'toy', aliases: Record<string, number> = {}): SearchSpace {
  const size = radix.reduce((a, b) => a * b, 1);
  const format = (i: number) => mixedRadixDecode(i, radix).join('-');
  return {
    id,
    title: `toy space ${radix.join('x')}`,
    decisions: radix.map((r, d) => ({ name: `d${d}`, choices: Array.from({ length: r }, (_, c) => `c${c}`) })),
    size,
    defaultClasses: 10,
    decode: (i) => mixedRadixDecode(i, radix),
    encode: (codes) => mixedRadixEncode(codes, radix),
    parse(text) {
      const t = text.trim();
      if (t in aliases) return aliases[t]!;
      if (/^\d+$/.test(t) && Number(t) < size) return Number(t);
      const parts = t.split('-').map(Number);
      if (parts.length !== radix.length || parts.some((c, d) => !Number.isInteger(c) || c < 0 || c >= radix[d]!))
        fail(`not an architecture: '${t}'`);
      return mixedRadixEncode(parts, radix);
    },
    format,
    notations: (i) => ({ index: i, codes: format(i) }),
    network() {
      throw new Error('toy space has no network');
    },
  };
}

/** A user-defined (JSON) macro space small enough to build every network: two conv layers, 3 kernels each. */
export function tinyLayeredSpace(name: string): object {
  return {
    name,
    input: { channels: 3, resolution: 8 },
    classes: 2,
    layers: ['a', 'b'].map((layer) => ({
      name: layer,
      out: 8,
      choices: [1, 3, 5].map((kernel) => ({ op: 'conv', kernel })),
    })),
  };
}
