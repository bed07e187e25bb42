/**
 * Leave-one-device-out validation of the cross-device transfer fit (src/hardware/transfer.ts) on the
 * real HELP NAS-Bench-201 latency tables (needs HWNAS_MIRROR or network). For each held-out table the
 * prior is learned from the OTHER 26 tables only, through the same base model the held-out device would
 * be fitted on; then K measured cells of the held-out table (random, mean of REPEATS draws; or the
 * deterministic `fit-plan` choice) fit it. Printed: Kendall tau-b over all 15,625 cells beside MACs,
 * today's `fit:` (model-shape prior, K random cells), zero-shot (K = 0: the prior's shape alone) and the
 * table's own noise bound (node-swap twins, src/hardware/replicates.ts).
 * TRANSFER_K=0,5,10,20 (default), TRANSFER_REPEATS (default 10), TRANSFER_DEVICES=all or a list
 * (default: the 10 CPU/phone tables). About a minute for the default.
 */
import { HELP_DEVICES } from '../src/data/index.js';
import { FEATURES } from '../src/hardware/cost.js';
import type { SemanticsPriors } from '../src/hardware/fit.js';
import { planMeasurements } from '../src/hardware/fit-plan.js';
import {
  applyCorrection,
  type Device,
  getDevice,
  kendallTau,
  replicateNoise,
  selectFit,
  withDeadCode,
} from '../src/hardware/index.js';
import { cellTimes, learnPriors } from '../src/hardware/transfer.js';
import { Rng } from '../src/rng.js';
import { fmt, macs, measuredOf, space, twins } from './help-tables.js';

const KS = (process.env.TRANSFER_K ?? '0,5,10,20').split(',').map(Number);
const REPEATS = Number(process.env.TRANSFER_REPEATS ?? 10);
const CPU_PHONE = [
  'gold_6226',
  'gold_6240',
  'silver_4114',
  'silver_4210r',
  'pixel2',
  'samsung_a50',
  'samsung_s7',
  'essential_ph_1',
  'pixel3',
  'raspi4',
];
const wanted = process.env.TRANSFER_DEVICES ?? 'cpu';
const DEVICES = wanted === 'all' ? [...HELP_DEVICES] : wanted === 'cpu' ? CPU_PHONE : wanted.split(',');
const BASE = 'cortex-a76';

const tables = measuredOf;
const base = getDevice(BASE);
const semantics: Device[] = [base, withDeadCode(base, !base.file.fusion.deadCode)];
const times = semantics.map((d) => cellTimes(space, d));
const plan = planMeasurements(space, base, Math.max(...KS.filter((k) => k >= 3), 3));

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

function randomCells(k: number, measured: Float64Array, seed: number): number[] {
  const rng = new Rng(seed);
  const seen = new Set<number>();
  const out: number[] = [];
  while (out.length < k) {
    const i = rng.nextInt(space.size);
    if (seen.has(i) || !(measured[i]! > 0)) continue;
    seen.add(i);
    out.push(i);
  }
  return out;
}

/** Tau over all cells of the fit on `cells` (with `priors`, or the model-shape prior). */
function fitTau(cells: number[], measured: Float64Array, priors?: SemanticsPriors): number {
  const candPriors = semantics.map((d) => priors?.[d.file.fusion.deadCode ? 'pruned' : 'eager']);
  const { index, model } = selectFit(
    times.map((t) => cells.map((i) => t[i]!)),
    cells.map((i) => measured[i]!),
    candPriors,
  );
  const pred = Float64Array.from(times[index]!, (t) => applyCorrection(model, t));
  return kendallTau(pred, measured);
}

/** Zero-shot transfer: the prior's shape (no intercept: its unit is the unknown mean latency). */
function zeroShotTau(priors: Required<SemanticsPriors>, measured: Float64Array): number {
  const p = base.file.fusion.deadCode ? priors.pruned : priors.eager;
  const pred = Float64Array.from(times[0]!, (t) => {
    let v = 0;
    for (let j = 0; j < FEATURES; j++) v += p.mean[j]! * t[j]!;
    return v;
  });
  return kendallTau(pred, measured);
}

console.log(
  `leave-one-device-out transfer on ${BASE} features; tau over all ${space.size} cells; random = mean of ${REPEATS} draws`,
);
const header = [
  'help device',
  'MACs',
  'K=0 transfer',
  ...KS.filter((k) => k > 0).flatMap((k) => [`K=${k} fit:`, `K=${k} transfer`, `K=${k} plan+transfer`]),
  'noise bound',
];
console.log(header.join(' | '));
const sums = new Map<string, number[]>();
const t0 = performance.now();
for (const help of DEVICES) {
  const measured = tables.get(help)!;
  const others = HELP_DEVICES.filter((d) => d !== help).map((d) => tables.get(d)!);
  const priors = learnPriors(space, base, others);
  const cols: [string, number][] = [
    ['MACs', kendallTau(macs, measured)],
    ['K=0 transfer', zeroShotTau(priors, measured)],
  ];
  for (const k of KS.filter((x) => x > 0)) {
    const draws = Array.from({ length: REPEATS }, (_, r) => randomCells(k, measured, 1000 + r));
    cols.push([`K=${k} fit:`, mean(draws.map((c) => fitTau(c, measured)))]);
    cols.push([`K=${k} transfer`, mean(draws.map((c) => fitTau(c, measured, priors)))]);
    cols.push([`K=${k} plan+transfer`, fitTau(plan.slice(0, k), measured, priors)]);
  }
  cols.push(['noise bound', replicateNoise(measured, twins, 0).boundTau]);
  for (const [name, v] of cols) sums.set(name, [...(sums.get(name) ?? []), v]);
  console.log([help.padEnd(16), ...cols.map(([, v]) => fmt(v))].join(' | '));
}
console.log(['mean'.padEnd(16), ...[...sums.values()].map((v) => fmt(mean(v)))].join(' | '));
console.log(`(${DEVICES.length} held-out tables: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
