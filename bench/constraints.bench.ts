/**
 * Feasibility masks and the masked search driver:
 * - mask computation on NB201 (15,625) and BLOX (91,125), cold (first use of the space: block counts and
 *   peak activations are computed) and warm (cached per space), for params, peak and the Cortex-M7 fits:;
 *   the per-segment peak cache of BLOX against building every network (timed on a sample, extrapolated);
 * - regularized evolution through `runClosed` with no mask (the baseline, same process), an all-feasible
 *   mask, and a mask that keeps about half of a 91,125-row table; GC events during the timed loops.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { peakActivationBytes } from '../src/ir/count.js';
import { feasibleMask, parseConstraints } from '../src/problem/constraints.js';
import { Rng } from '../src/rng.js';
import { createStrategy, DEFAULT_POPULATION, DEFAULT_SAMPLE, runClosed } from '../src/search/index.js';
import { getSpace } from '../src/space/all.js';
import { spacePeakActivations } from '../src/space/peak.js';

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
};

for (const id of ['nb201', 'blox']) {
  const space = getSpace(id);
  const [, cold] = time(() => feasibleMask(space, parseConstraints(['params<=1M'])));
  const [peak, peakMs] = time(() => feasibleMask(space, parseConstraints(['peak<=64k'])));
  const [fits, warm] = time(() => feasibleMask(space, parseConstraints(['fits:cortex-m7@sram=64k,flash=1M'])));
  console.log(
    `${id} (${fmt(space.size)}): params<=1M cold ${cold.toFixed(0)} ms; peak<=64k (first peak use) ${peakMs.toFixed(0)} ms, ${fmt(peak.feasible)} feasible; fits:cortex-m7@sram=64k,flash=1M warm ${warm.toFixed(1)} ms, ${fmt(fits.feasible)} feasible`,
  );
  const [p, segMs] = time(() => spacePeakActivations(space));
  const sample = 300;
  const [, fullMs] = time(() => {
    for (let i = 0; i < sample; i++) peakActivationBytes(space.network((i * 7919) % space.size), 1);
  });
  const fullAll = (fullMs / sample) * space.size;
  console.log(
    `  peak activations of every network: ${p.method} ${segMs.toFixed(0)} ms (${p.graphs} graphs); every network in full ~${fmt(fullAll)} ms (${((fullMs / sample) * 1000).toFixed(0)} us each, ${sample} timed): ${(fullAll / segMs).toFixed(1)}x`,
  );
}

let gcs = 0;
const obs = new PerformanceObserver((list) => {
  gcs += list.getEntries().length;
});
obs.observe({ entryTypes: ['gc'] });

const radix = [45, 45, 45];
const n = 45 ** 3;
const rng = new Rng(1);
const table = Float64Array.from({ length: n * 2 }, () => rng.nextFloat());
const all = new Uint8Array(n).fill(1);
const half = Uint8Array.from({ length: n }, () => (rng.nextFloat() < 0.5 ? 1 : 0));

function rate(mask: Uint8Array | null, seed: number): { perSec: number; gcs: number; infeasible: number } {
  const s = createStrategy('re', {
    radix,
    objectives: 2,
    seed,
    population: DEFAULT_POPULATION,
    sample: DEFAULT_SAMPLE,
  });
  (globalThis as { gc?: () => void }).gc?.();
  const g0 = gcs;
  const t0 = process.hrtime.bigint();
  const r = runClosed(s, table, 2, 2_000_000, mask ? { feasible: mask } : {});
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  return { perSec: r.archs.length / sec, gcs: gcs - g0, infeasible: (r.infeasible ?? 0) / r.asks };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

rate(null, 99);
rate(half, 99);
const seeds = [0, 1, 2, 3, 4];
const plain = seeds.map((s) => rate(null, s));
const full = seeds.map((s) => rate(all, s));
const masked = seeds.map((s) => rate(half, s));
await new Promise((r) => setTimeout(r, 10));
obs.disconnect();
const base = median(plain.map((r) => r.perSec));
console.log('regularized evolution (P=100, S=25), 91,125-row table, 2M counted evals x 5 seeds (median):');
console.log(`  no mask (baseline): ${fmt(base)} evals/s; GC events ${plain.map((r) => r.gcs).join(', ')}`);
const show = (name: string, rs: typeof plain) => {
  const m = median(rs.map((r) => r.perSec));
  console.log(
    `  ${name}: ${fmt(m)} evals/s (${(m / base).toFixed(2)}x baseline); infeasible asks ${(100 * median(rs.map((r) => r.infeasible))).toFixed(1)} %; GC events ${rs.map((r) => r.gcs).join(', ')}`,
  );
};
show('all-feasible mask', full);
show('random half-feasible mask', masked);
