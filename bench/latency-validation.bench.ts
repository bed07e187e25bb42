/**
 * Validation of the device models against real measured NAS-Bench-201 latencies (HELP tables, read
 * through the data module; needs HWNAS_MIRROR or network). Prints Kendall tau-b over all 15,625 cells:
 * zero-shot `model:cortex-a72` vs raspi4 and `model:cortex-a75` vs pixel3 (with and without converter
 * dead-code elimination, to show what it changes; pixel3 was measured single-threaded, so
 * `cortex-a75@threads=1` is its model and the base of its fit, see docs/calibration.md), and the few-shot `fit:` correction from K random
 * measured cells for every HELP device (K = 20 by default, FIT_K=20,50,100 for the docs table, a few minutes; FIT_REPEATS
 * draws, default 10; tau on the whole space, measured cells included), each beside the MACs-only baseline
 * (reference: 0.74 raspi4, 0.67 pixel3; a few-shot fit a + b * MACs is monotone in MACs, so its tau is
 * the MACs tau). `pruned` = draws whose leave-one-out selection picked the dead-code-pruned features.
 * `ceiling` = the same nine-feature model (x >= 0, intercept) fitted on EVERY measured cell by relative
 * least squares, the better of the two semantics: it reads the validation table, so it is no predictor,
 * only the bound that a K-shot fit of this model can approach. `noise bound` = the best tau that ANY
 * predictor of the network can expect, from the table's own repeat measurements (node-swap twins:
 * `replicateNoise`, src/hardware/replicates.ts); `retest` = tau between the twins' two measurements.
 */
import { HELP_DEVICES } from '../src/data/index.js';
import {
  applyCorrection,
  type Device,
  featureTimes,
  getDevice,
  kendallTau,
  replicateNoise,
  selectFit,
  spaceLatency,
  withDeadCode,
} from '../src/hardware/index.js';
import { nnls } from '../src/hardware/nnls.js';
import { archFeatures, spaceFeatures } from '../src/hardware/space-latency.js';
import { Rng } from '../src/rng.js';
import { fmt, macs, measuredOf, space, twins } from './help-tables.js';

const KS = (process.env.FIT_K ?? '20').split(',').map(Number);
const REPEATS = Number(process.env.FIT_REPEATS ?? 10);

const zeroShot: [string, string][] = [
  ['raspi4', 'cortex-a72'],
  ['raspi4', 'cortex-a72@threads=1'],
  ['pixel3', 'cortex-a75'],
  ['pixel3', 'cortex-a75@threads=1'],
  ['pixel3', 'cortex-a76'],
  // int8 beside fp32: the HELP tables are fp32 measurements, so these rows show what the int8 ratios
  // change in the ranking (compute cheaper against per-op and element-wise costs), not a fit to int8 data.
  ['raspi4', 'cortex-a72@precision=int8'],
  ['pixel3', 'cortex-a75@threads=1,precision=int8'],
  ['pixel3', 'cortex-a76@precision=int8'],
  ...['pixel2', 'samsung_a50', 'samsung_s7', 'essential_ph_1'].flatMap((h): [string, string][] => [
    [h, 'cortex-a76'],
    [h, 'cortex-a76@precision=int8'],
    [h, 'cortex-a76@threads=4'],
    [h, 'cortex-a76@threads=4,precision=int8'],
  ]),
];
console.log('\nzero-shot (no measured data used); "every op runs" = the same model without dead-code elimination');
console.log(`help device    | ${'model'.padEnd(35)} | tau model | tau every op runs | tau MACs`);
for (const [help, dev] of zeroShot) {
  const measured = measuredOf.get(help)!;
  const device = getDevice(dev);
  const t = performance.now();
  const pred = spaceLatency(space, device).values;
  const ms = performance.now() - t;
  const eager = spaceLatency(space, withDeadCode(device, false)).values;
  console.log(
    `${help.padEnd(14)} | ${dev.padEnd(35)} | ${fmt(kendallTau(pred, measured))}     | ${fmt(kendallTau(eager, measured))}             | ${fmt(kendallTau(macs, measured))}   (${ms.toFixed(0)} ms)`,
  );
}

function baseFor(help: string): string {
  if (help === 'raspi4') return 'cortex-a72';
  if (help === 'pixel3') return 'cortex-a75@threads=1';
  if (/^(1080ti|2080ti|titan)/.test(help)) return 'adreno-640';
  return 'cortex-a76';
}

/** Per-feature times of every cell under a device's semantics, row-major (n x 9). */
function allTimes(device: Device): Float64Array[] {
  const sf = spaceFeatures(space, device);
  const feats = new Float64Array(9);
  const codes: number[] = [];
  return Array.from({ length: space.size }, (_, i) => featureTimes(archFeatures(sf, i, feats, codes), device));
}
const timesCache = new Map<string, Float64Array[][]>();
function candidateTimes(spec: string): Float64Array[][] {
  let t = timesCache.get(spec);
  if (!t) {
    const d = getDevice(spec);
    t = [allTimes(d), allTimes(withDeadCode(d, !d.file.fusion.deadCode))];
    timesCache.set(spec, t);
  }
  return t;
}

/** Tau of the nine-feature model fitted on all measured cells (relative squared error, x >= 0). */
function ceilingTau(times: Float64Array[], measured: Float64Array): number {
  const rows: number[] = [];
  for (let i = 0; i < space.size; i++) if (measured[i]! > 0) rows.push(i);
  const p = 10;
  const A = new Float64Array(rows.length * p);
  const b = new Float64Array(rows.length).fill(1);
  rows.forEach((i, r) => {
    for (let j = 0; j < 9; j++) A[r * p + j] = times[i]![j]! / measured[i]!;
    A[r * p + 9] = 1 / measured[i]!;
  });
  const x = nnls(A, b, rows.length, p);
  const pred = new Float64Array(space.size);
  for (let i = 0; i < space.size; i++) {
    let v = x[9]!;
    for (let j = 0; j < 9; j++) v += x[j]! * times[i]![j]!;
    pred[i] = v;
  }
  return kendallTau(pred, measured);
}
const ceilingOf = new Map<string, number>();
function ceiling(help: string, cands: Float64Array[][]): number {
  let c = ceilingOf.get(help);
  if (c === undefined) {
    const measured = measuredOf.get(help)!;
    c = Math.max(...cands.map((t) => ceilingTau(t, measured)));
    ceilingOf.set(help, c);
  }
  return c;
}

const stats = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, sd, min: Math.min(...v), max: Math.max(...v) };
};

for (const K of KS) {
  console.log(
    `\nfew-shot fit: K = ${K} random measured cells, mean ± sd (min..max) over ${REPEATS} draws; tau on all cells`,
  );
  console.log(
    'help device      | base model           | tau fit                     | pruned | tau MACs | tau zero-shot | ceiling (all cells) | retest | noise bound',
  );
  const tk = performance.now();
  for (const help of HELP_DEVICES) {
    const measured = measuredOf.get(help)!;
    const spec = baseFor(help);
    const cands = candidateTimes(spec);
    const zero = spaceLatency(space, getDevice(spec)).values;
    const taus: number[] = [];
    let pruned = 0;
    const ownPruned = getDevice(spec).file.fusion.deadCode === true;
    const pred = new Float64Array(space.size);
    for (let r = 0; r < REPEATS; r++) {
      const rng = new Rng(1000 + r);
      const rows: number[] = [];
      const seen = new Set<number>();
      while (rows.length < K) {
        const i = rng.nextInt(space.size);
        if (seen.has(i) || Number.isNaN(measured[i]!)) continue;
        seen.add(i);
        rows.push(i);
      }
      const { index, model } = selectFit(
        cands.map((c) => rows.map((i) => c[i]!)),
        rows.map((i) => measured[i]!),
      );
      if ((index === 0) === ownPruned) pruned++;
      const times = cands[index]!;
      for (let i = 0; i < space.size; i++) pred[i] = applyCorrection(model, times[i]!);
      taus.push(kendallTau(pred, measured));
    }
    const s = stats(taus);
    const noise = replicateNoise(measured, twins, 0);
    console.log(
      `${help.padEnd(16)} | ${spec.padEnd(20)} | ${fmt(s.mean)} ± ${fmt(s.sd)} (${fmt(s.min)}..${fmt(s.max)}) | ${String(pruned).padStart(2)}/${REPEATS}  | ${fmt(kendallTau(macs, measured))}    | ${fmt(kendallTau(zero, measured))}         | ${fmt(ceiling(help, cands))}               | ${fmt(noise.testRetestTau)}  | ${fmt(noise.boundTau)}`,
    );
  }
  console.log(`(K = ${K}: ${((performance.now() - tk) / 1000).toFixed(1)} s)`);
}
