/**
 * The latency source `nnmeter:<folder | file.json>`: nn-Meter's estimate of every architecture of a closed
 * space from a predictor package (see predict.ts). Where no kernel crosses a block boundary and every
 * block's kernels are the same whatever the other decisions (checked, not assumed: no kernel of any block
 * network spans two blocks, and on sampled architectures fixed + block sums equal predicting the whole
 * graph), each distinct block is predicted once in its context (BLOX: 3 x 45 block networks) and the
 * totals are fixed + block sums; otherwise every network is predicted whole (forest outputs memoised).
 */
import { progressBar } from '../../io/progress.js';
import type { Graph } from '../../ir/graph.js';
import { registerSource } from '../../objectives/registry.js';
import type { ObjectiveColumn, SourceContext } from '../../objectives/types.js';
import { Rng } from '../../rng.js';
import { blockNetwork, mixedRadixDecode, radices, type SearchSpace } from '../../space/types.js';
import { sumTables } from '../space-latency.js';
import { type PredictedKernel, PredictionMemo, predictKernels, unpredictedSummary } from './predict.js';
import { loadPredictors, type MeterPredictors } from './predictors.js';

export interface MeterSpaceLatency {
  values: Float64Array;
  fixedMs: number;
  /** blockMs[d][c]: the kernels of block (d, c) in its block network, ms. */
  blockMs: Float64Array[];
  additive: boolean;
  /** Largest relative difference between cached and whole-graph totals on the checked architectures. */
  maxDeviation: number;
  /** Whether a kernel of a probed network spans two blocks. */
  crossesBlocks: boolean;
  /** Kernels without a prediction over the probed networks (`op (reason) xN`). */
  unpredicted: string[];
  /** Networks predicted to build the block values and check them. */
  probedNetworks: number;
}

function sumBy(kernels: readonly PredictedKernel[], block: number): number {
  let ms = 0;
  for (const k of kernels) if (k.block === block) ms += k.ms;
  return ms;
}

function total(kernels: readonly PredictedKernel[]): number {
  let ms = 0;
  for (const k of kernels) ms += k.ms;
  return ms;
}

/** Architectures checked for additivity: 0, the last, and `samples` drawn with a fixed seed. */
export function checkIndices(size: number, samples: number): number[] {
  const rng = new Rng(0x5eed);
  const out = new Set<number>([0, size - 1]);
  for (let i = 0; i < samples && out.size < size; i++) out.add(rng.nextInt(size));
  return [...out].sort((a, b) => a - b);
}

const cache = new WeakMap<SearchSpace, Map<MeterPredictors, MeterSpaceLatency>>();

/** nn-Meter latency (ms) of every architecture of `space`. */
export function meterSpaceLatency(
  space: SearchSpace,
  p: MeterPredictors,
  opts: { quiet?: boolean; samples?: number } = {},
): MeterSpaceLatency {
  const bySpace = cache.get(space) ?? new Map<MeterPredictors, MeterSpaceLatency>();
  cache.set(space, bySpace);
  const hit = bySpace.get(p);
  if (hit) return hit;
  const memo = new PredictionMemo();
  const radix = radices(space);
  const probed: PredictedKernel[] = [];
  let crosses = false;
  let probedNetworks = 0;
  const kernelsOf = (g: Graph): PredictedKernel[] => {
    const ks = predictKernels(g, p, memo);
    probedNetworks++;
    probed.push(...ks);
    if (ks.some((k) => k.crossesBlocks)) crosses = true;
    return ks;
  };
  const base = kernelsOf(space.network(0));
  const fixedMs = sumBy(base, -1);
  const blockMs = radix.map((r, d) =>
    Float64Array.from({ length: r }, (_, c) => sumBy(c === 0 ? base : kernelsOf(blockNetwork(space, d, c)), d)),
  );
  let maxDeviation = 0;
  const codes: number[] = [];
  const checked = new Map<number, number>();
  for (const i of checkIndices(space.size, opts.samples ?? 48)) {
    const whole = total(kernelsOf(space.network(i)));
    checked.set(i, whole);
    mixedRadixDecode(i, radix, codes);
    let cached = fixedMs;
    for (let d = 0; d < radix.length; d++) cached += blockMs[d]![codes[d]!]!;
    maxDeviation = Math.max(maxDeviation, Math.abs(cached - whole) / Math.max(Math.abs(whole), 1e-12));
  }
  const additive = !crosses && maxDeviation <= 1e-9;
  const values = new Float64Array(space.size);
  if (additive) sumTables(fixedMs, blockMs, values);
  else {
    const bar = opts.quiet ? undefined : progressBar(`nn-Meter ${space.id}`, space.size);
    for (let i = 0; i < space.size; i++) {
      values[i] = checked.get(i) ?? total(predictKernels(space.network(i), p, memo));
      if (bar && (i & 255) === 0) bar.update(i);
    }
    bar?.update(space.size);
    bar?.stop();
  }
  const out: MeterSpaceLatency = {
    values,
    fixedMs,
    blockMs,
    additive,
    maxDeviation,
    crossesBlocks: crosses,
    unpredicted: unpredictedSummary(probed),
    probedNetworks,
  };
  bySpace.set(p, out);
  return out;
}

export function resolveNnMeter(rest: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  const p = loadPredictors(rest);
  const lat = meterSpaceLatency(ctx.space, p, { quiet: ctx.quiet === true });
  const kinds = [...p.forests.keys()].sort();
  const notes = [
    `nn-Meter predictors ${rest}: ${kinds.length} kernel forests (${kinds.join(', ')}); ${p.rules.pairs.size} fusible pairs, MON ${p.rules.mon}`,
    lat.additive
      ? `additive over ${ctx.space.id} blocks: totals = fixed ${lat.fixedMs.toFixed(3)} ms + block costs (each block predicted once in context)`
      : `not additive over ${ctx.space.id} blocks (kernels cross blocks or depend on neighbours): every network predicted whole; blockValue = a block's own kernels`,
    lat.unpredicted.length === 0
      ? 'every kernel of the probed networks has a predictor'
      : `kernels counted 0 ms (as nn-Meter does): ${lat.unpredicted.length} kinds in the ${lat.probedNetworks} networks probed${ctx.verbose ? '' : ' (--verbose lists them)'}`,
  ];
  if (ctx.verbose && lat.unpredicted.length > 0) {
    const list = `kernels without a prediction (0 ms) in the ${lat.probedNetworks} networks probed: ${lat.unpredicted.join(', ')}`;
    notes.push(list);
    process.stderr.write(`nnmeter:${rest}: ${list}\n`);
  }
  return Promise.resolve({
    name: 'latency',
    source: `nnmeter:${rest}`,
    direction: 'min',
    unit: 'ms',
    values: lat.values,
    blockValue: (d: number, c: number) => lat.blockMs[d]![c]!,
    notes,
  });
}

registerSource(
  'nnmeter',
  'nn-Meter estimate (ms, min): nnmeter:<folder> of <kernel>.pkl + fusion_rules.json, or nnmeter:<file.json> from hwnas nnmeter convert',
  resolveNnMeter,
  (rest) => [rest],
);
