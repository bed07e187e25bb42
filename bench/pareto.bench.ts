/**
 * Pareto core speed, each against a simple baseline measured in the same process (median of repeats after
 * warm-up). Targets (issue 3): exact front of 91,125 points + GD of 100 points < 20 ms; 2-D sort of 10,000
 * points < 5 ms.
 */

import { gd, hypervolume, nonDominatedRanks, paretoFrontIndices } from '../src/pareto/index.js';
import { fastNdsRanks } from '../src/pareto/naive.js';
import { Rng } from '../src/rng.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Median milliseconds of `repeats` runs after `warmup` runs; `sink` keeps results alive. */
let sink = 0;
function time(fn: () => number, repeats: number, warmup = Math.min(repeats, 5)): number {
  for (let i = 0; i < warmup; i++) sink += fn();
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    sink += fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

function report(name: string, ms: number, baseName: string, baseMs: number, target?: number): void {
  const goal =
    target === undefined ? '' : ms < target ? `  (target < ${target} ms: met)` : `  (target < ${target} ms: MISSED)`;
  console.log(
    `${name.padEnd(44)} ${ms.toFixed(3).padStart(9)} ms   ${baseName} ${baseMs.toFixed(3).padStart(9)} ms   x${(baseMs / ms).toFixed(1)}${goal}`,
  );
}

/** A BLOX-like table: 45^3 architectures, latency = sum of block latencies with noise, error falls with latency, accuracy in 0.01 % steps. */
function bloxLike(rng: Rng): Float64Array {
  const block = Array.from({ length: 3 }, () => Array.from({ length: 45 }, () => 0.2 + rng.nextFloat() * 3));
  const n = 45 ** 3;
  const pts = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const lat = block[0]![i % 45]! + block[1]![Math.floor(i / 45) % 45]! + block[2]![Math.floor(i / 2025)]!;
    const err = 40 / (1 + lat) + 8 * rng.nextFloat();
    pts[2 * i] = Math.round(lat * 1e4 * (0.95 + 0.1 * rng.nextFloat())) / 1e4;
    pts[2 * i + 1] = Math.round(err * 100) / 100;
  }
  return pts;
}

function uniform(rng: Rng, n: number, m: number): Float64Array {
  const pts = new Float64Array(n * m);
  for (let i = 0; i < pts.length; i++) pts[i] = rng.nextFloat();
  return pts;
}

/** The usual JS front: comparator sort of indices, then a sweep. */
function comparatorFront(points: Float64Array): Int32Array {
  const n = points.length / 2;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => points[2 * a]! - points[2 * b]! || points[2 * a + 1]! - points[2 * b + 1]! || a - b);
  const out: number[] = [];
  let min1 = Number.POSITIVE_INFINITY;
  let prev = -1;
  for (const i of idx) {
    const dup = prev >= 0 && points[2 * i] === points[2 * prev] && points[2 * i + 1] === points[2 * prev + 1];
    if ((dup && out[out.length - 1] === prev) || points[2 * i + 1]! < min1) {
      out.push(i);
      min1 = Math.min(min1, points[2 * i + 1]!);
    }
    prev = i;
  }
  return Int32Array.from(out);
}

function rows(points: Float64Array, m: number, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length * m);
  for (let t = 0; t < idx.length; t++) out.set(points.subarray(idx[t]! * m, (idx[t]! + 1) * m), t * m);
  return out;
}

const rng = new Rng(20240601);
const table = bloxLike(rng);
const sample = rows(
  table,
  2,
  Array.from({ length: 100 }, () => rng.nextInt(45 ** 3)),
);

const ours = paretoFrontIndices(table, 2);
const theirs = comparatorFront(table);
if (ours.join() !== theirs.join()) throw new Error('front mismatch between the fast and the baseline front');
console.log(
  `BLOX-like table: 91,125 points, front of ${ours.length}; GD of 100 sampled points = ${gd(sample, rows(table, 2, ours), 2).toFixed(4)}`,
);
const frontGd = (front: (p: Float64Array) => Int32Array) => () => gd(sample, rows(table, 2, front(table)), 2);
report(
  'exact front of 91,125 + GD of 100',
  time(
    frontGd((p) => paretoFrontIndices(p, 2)),
    30,
  ),
  'comparator sort',
  time(frontGd(comparatorFront), 10),
  20,
);
// Every point on the front, in random order (a presorted input would flatter the comparator sort).
const anti = new Float64Array(2 * 45 ** 3);
for (const [t, j] of rng.shuffle(Array.from({ length: 45 ** 3 }, (_, i) => i)).entries()) {
  anti[2 * t] = j;
  anti[2 * t + 1] = -j;
}
if (paretoFrontIndices(anti, 2).length !== 45 ** 3) throw new Error('anti-diagonal front is incomplete');
report(
  'exact front, 91,125 all on the front',
  time(() => paretoFrontIndices(anti, 2).length, 20),
  'comparator sort',
  time(() => comparatorFront(anti).length, 5),
);
const fronts = Math.max(...nonDominatedRanks(table, 2)) + 1;
console.log(
  `all ranks of the 91,125 (${fronts} fronts): ${time(() => nonDominatedRanks(table, 2)[0]!, 20).toFixed(3)} ms`,
);

const u2 = uniform(rng, 10_000, 2);
if (nonDominatedRanks(u2, 2).join() !== fastNdsRanks(u2, 2).join()) throw new Error('2-D ranks differ from fast-NDS');
report(
  'non-dominated sort, 10,000 x 2',
  time(() => nonDominatedRanks(u2, 2)[0]!, 50),
  'Deb fast-NDS',
  time(() => fastNdsRanks(u2, 2)[0]!, 3, 1),
  5,
);

const u3 = uniform(rng, 10_000, 3);
if (nonDominatedRanks(u3, 3).join() !== fastNdsRanks(u3, 3).join()) throw new Error('3-D ranks differ from fast-NDS');
report(
  'non-dominated sort, 10,000 x 3 (staircases)',
  time(() => nonDominatedRanks(u3, 3)[0]!, 20),
  'Deb fast-NDS',
  time(() => fastNdsRanks(u3, 3)[0]!, 3, 1),
);

const u4 = uniform(rng, 10_000, 4);
if (nonDominatedRanks(u4, 4).join() !== fastNdsRanks(u4, 4).join()) throw new Error('4-D ranks differ from fast-NDS');
report(
  'non-dominated sort, 10,000 x 4 (ENS-BS)',
  time(() => nonDominatedRanks(u4, 4)[0]!, 10),
  'Deb fast-NDS',
  time(() => fastNdsRanks(u4, 4)[0]!, 3, 1),
);

// The tournament of multi-objective regularized evolution ranks 25 sampled points per evaluation.
const s25 = uniform(rng, 25, 2);
const out25 = new Int32Array(25);
const per = 10_000;
const t25 = time(() => {
  for (let i = 0; i < per; i++) nonDominatedRanks(s25, 2, out25);
  return out25[0]!;
}, 10);
const b25 = time(() => {
  for (let i = 0; i < per; i++) fastNdsRanks(s25, 2);
  return 0;
}, 10);
report('rank 25 points (per call, x1000 = us)', (t25 / per) * 1000, 'Deb fast-NDS', (b25 / per) * 1000);

const h3 = uniform(rng, 300, 3);
const ref3 = [1.1, 1.1, 1.1];
console.log(`hypervolume 3-D, 300 points: ${time(() => hypervolume(h3, 3, ref3), 10).toFixed(3)} ms`);
if (sink === 42) console.log('');
