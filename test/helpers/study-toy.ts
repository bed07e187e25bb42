/**
 * A small closed benchmark made by test code for the study tests: the NB201 space with synthetic sources
 * under the `toy:` prefix (no downloads). `toy:acc` (maximised) and `toy:lat-a` / `toy:lat-b` (additive
 * per-block latencies with `blockValue`, plus a small seeded interaction so fronts are not trivial).
 * Importing this file registers them; CLI child processes import it with `--import`.
 */
import { registerSource } from '../../src/objectives/registry.js';
import type { ObjectiveColumn } from '../../src/objectives/types.js';
import { Rng } from '../../src/rng.js';
import { strategyNames } from '../../src/search/index.js';
import { radices } from '../../src/space/types.js';
import { buildConfig, type StudyConfig } from '../../src/study/config.js';

function table(radix: number[], seed: number, lo: number, hi: number): number[][] {
  const rng = new Rng(seed);
  return radix.map((r) => Array.from({ length: r }, () => lo + (hi - lo) * rng.nextFloat()));
}

registerSource('toy', 'synthetic test benchmark: toy:acc, toy:lat-a, toy:lat-b', async (rest, ctx) => {
  const radix = radices(ctx.space);
  const n = ctx.space.size;
  const codes: number[] = [];
  const values = new Float64Array(n);
  const which = rest === 'acc' ? 1 : rest === 'lat-a' ? 2 : rest === 'lat-b' ? 3 : 0;
  if (which === 0) throw new Error(`unknown toy source '${rest}'`);
  const blocks = table(radix, which, which === 1 ? 0 : 0.2, which === 1 ? 6 : 3);
  const noise = new Rng(100 + which);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let s = 0;
    for (let d = 0; d < radix.length; d++) {
      codes[d] = rem % radix[d]!;
      rem = Math.floor(rem / radix[d]!);
      s += blocks[d]![codes[d]!]!;
    }
    values[i] = which === 1 ? 40 + s + 3 * noise.nextFloat() : s * (1 + 0.05 * noise.nextFloat());
  }
  const col: ObjectiveColumn = {
    name: which === 1 ? 'accuracy' : 'latency',
    source: `toy:${rest}`,
    direction: which === 1 ? 'max' : 'min',
    unit: which === 1 ? '%' : 'ms',
    values,
  };
  if (which !== 1) col.blockValue = (d, c) => blocks[d]![c]!;
  return col;
});

/** The small study the report tests share: two toy devices, three pruning settings, 3 seeds x 2000 evals. */
export function toyReportConfig(): StudyConfig {
  return buildConfig(
    {
      accuracy: 'toy:acc',
      devices: 'toy:lat-a,toy:lat-b',
      pruning: 'none,params/latency@0.7,random@0.5',
      seeds: '3',
      evals: '2000',
      population: '20',
      sample: '5',
    },
    strategyNames,
  );
}
