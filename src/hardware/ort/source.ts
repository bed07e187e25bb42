/**
 * The `ort` latency source: every architecture of a (small) closed space measured on this host with ONNX
 * Runtime. Measuring costs ~0.1-1 s per network, so spaces above a size limit are refused with a hint to
 * build a resumable table with `hwnas measure` and read it back through `table:`.
 */

import { fail } from '../../errors.js';
import { progressBar } from '../../io/progress.js';
import { registerSource } from '../../objectives/registry.js';
import type { ObjectiveColumn, SourceContext } from '../../objectives/types.js';
import { measureGraph, ORT_DEFAULTS, type OrtMeasureOptions } from './measure.js';

/** Largest space `ort` measures exhaustively unless `max=` raises it. */
export const ORT_MAX_DEFAULT = 200;

export interface OrtSpec extends Required<Pick<OrtMeasureOptions, 'threads' | 'warmup' | 'repeats' | 'seed'>> {
  max: number;
}

const KEYS: Record<keyof OrtSpec, [min: number, max: number]> = {
  threads: [1, 256],
  warmup: [0, 100_000],
  repeats: [1, 100_000],
  seed: [0, 0xffffffff],
  max: [1, Number.MAX_SAFE_INTEGER],
};

/** Parses the part after `ort:`, e.g. `threads=2,repeats=50,max=1000`; empty = defaults. */
export function parseOrtSpec(rest: string): OrtSpec {
  const spec: OrtSpec = {
    threads: ORT_DEFAULTS.threads,
    warmup: ORT_DEFAULTS.warmup,
    repeats: ORT_DEFAULTS.repeats,
    seed: ORT_DEFAULTS.seed,
    max: ORT_MAX_DEFAULT,
  };
  for (const part of rest.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*(\w+)\s*=\s*(\d+)\s*$/.exec(part);
    const key = m?.[1] as keyof OrtSpec | undefined;
    if (!m || !key || !(key in KEYS)) {
      fail(`bad ort option '${part}'`, `use ort or ort:key=value,... with keys ${Object.keys(KEYS).join(', ')}`);
    }
    const v = Number(m[2]);
    const [lo, hi] = KEYS[key];
    if (v < lo || v > hi) fail(`ort option ${key} must be in [${lo}, ${hi}], got ${v}`);
    spec[key] = v;
  }
  return spec;
}

export async function resolveOrt(rest: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  const spec = parseOrtSpec(rest);
  const { space } = ctx;
  if (space.size > spec.max) {
    fail(
      `source ort would measure all ${space.size} architectures of ${space.id} (limit ${spec.max})`,
      `measure a sample with 'hwnas measure ${space.id} --sample ${Math.min(200, space.size)} -o ort.csv' and use 'fit:ort.csv#median_ms' (a few-shot predictor of the whole space), or raise the limit with ort:max=${space.size}`,
    );
  }
  const values = new Float64Array(space.size);
  const spreads = new Float64Array(space.size);
  const bar = progressBar('ort', space.size, { quiet: ctx.quiet });
  for (let i = 0; i < space.size; i++) {
    const r = await measureGraph(space.network(i), spec);
    values[i] = r.medianMs;
    spreads[i] = r.spread;
    bar.update(i + 1);
  }
  bar.stop();
  spreads.sort();
  const medianSpread = spreads[Math.floor((spreads.length - 1) / 2)] ?? Number.NaN;
  return {
    name: 'latency',
    source: rest ? `ort:${rest}` : 'ort',
    direction: 'min',
    unit: 'ms',
    values,
    notes: [
      `measured on this host with ONNX Runtime, batch 1, ${spec.threads} intra-op thread(s), ${spec.warmup} warm-up + ${spec.repeats} timed runs, median`,
      `median relative spread (IQR/median) ${(medianSpread * 100).toFixed(2)} %`,
    ],
  };
}

registerSource(
  'ort',
  'latency measured on this host with ONNX Runtime (ort or ort:threads=T,repeats=R,warmup=W,seed=S,max=M; small spaces only)',
  resolveOrt,
);
