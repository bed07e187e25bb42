/**
 * nn-Meter's latency of an IR graph: lowered as the ONNX export gives it (`lower.ts`), split into kernels by
 * the package's fusion rules (`detect.ts`), each kernel's feature vector (`features.ts`) predicted by the
 * forest of its kernel type; the model latency is the sum over kernels, in milliseconds. A kernel without
 * features, or whose type has no forest in the package, counts 0 ms as in nn-Meter, and is listed.
 */
import { type Forest, predictForest } from '../../data/index.js';
import type { Graph } from '../../ir/graph.js';
import { detectMeterKernels } from './detect.js';
import { kernelFeatures } from './features.js';
import { lowerGraph } from './lower.js';
import type { MeterPredictors } from './predictors.js';

export interface PredictedKernel {
  op: string;
  /** Predictor name; undefined when nn-Meter has no features for the op. */
  predictor?: string;
  features?: number[];
  /** Milliseconds (0 without a predictor). */
  ms: number;
  /** Whether a forest predicted it. */
  predicted: boolean;
  /** Block (search decision) of the kernel's first node; -1 for the fixed part. */
  block: number;
  /** Whether the kernel's nodes belong to more than one block. */
  crossesBlocks: boolean;
}

/** Memo of forest predictions by predictor and feature vector (networks of a space share most kernels). */
export class PredictionMemo {
  private readonly memo = new Map<string, number>();
  predict(name: string, f: Forest, x: number[]): number {
    const key = `${name}|${x.join(',')}`;
    let v = this.memo.get(key);
    if (v === undefined) {
      v = predictForest(f, x);
      this.memo.set(key, v);
    }
    return v;
  }
}

export function predictKernels(g: Graph, p: MeterPredictors, memo = new PredictionMemo()): PredictedKernel[] {
  const lowered = lowerGraph(g);
  return detectMeterKernels(lowered, p.rules).map((k) => {
    const block = k.attrs.block;
    const crossesBlocks = k.members.some((m) => lowered[m]!.block !== block);
    const kf = kernelFeatures(k);
    if (!kf) return { op: k.op, ms: 0, predicted: false, block, crossesBlocks };
    const forest = p.forests.get(kf.predictor);
    if (forest && forest.nFeatures !== kf.features.length)
      throw new Error(
        `nn-Meter predictor ${kf.predictor} takes ${forest.nFeatures} features, kernel ${k.op} has ${kf.features.length}`,
      );
    const ms = forest ? memo.predict(kf.predictor, forest, kf.features) : 0;
    return {
      op: k.op,
      predictor: kf.predictor,
      features: kf.features,
      ms,
      predicted: forest !== undefined,
      block,
      crossesBlocks,
    };
  });
}

/** Total milliseconds of a graph. */
export function predictGraphMs(g: Graph, p: MeterPredictors, memo?: PredictionMemo): number {
  let ms = 0;
  for (const k of predictKernels(g, p, memo)) ms += k.ms;
  return ms;
}

/** Kernels that got no prediction, as `op (reason) xN`, most frequent first. */
export function unpredictedSummary(kernels: readonly PredictedKernel[]): string[] {
  const counts = new Map<string, number>();
  for (const k of kernels) {
    if (k.predicted) continue;
    const why = k.predictor === undefined ? 'no nn-Meter features' : `no ${k.predictor}.pkl`;
    const key = `${k.op} (${why})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${k} x${n}`);
}
