/**
 * Latency of a network on this host with ONNX Runtime (CPU): export the IR graph, create a session with
 * fixed thread counts and sequential execution, run batch 1 a few times to warm up, then time repeated
 * runs. One thread by default so that numbers do not depend on what else the machine runs in parallel.
 */
import * as ort from 'onnxruntime-node';
import { fail } from '../../errors.js';
import type { Graph } from '../../ir/graph.js';
import { toOnnx } from '../../ir/onnx.js';
import { Rng } from '../../rng.js';
import { summarize, type TimingSummary } from './stats.js';

export interface OrtMeasureOptions {
  /** Intra-op threads (default 1). Inter-op threads are always 1. */
  threads?: number;
  /** Untimed runs before timing (default 10). */
  warmup?: number;
  /** Timed runs (default 50). */
  repeats?: number;
  /** Seed of the exported weights and of the input tensor (default 0). */
  seed?: number;
  /** Fold batch norms into convolutions before export, as deployment toolchains do (default true). */
  foldBn?: boolean;
}

export const ORT_DEFAULTS = { threads: 1, warmup: 10, repeats: 50, seed: 0, foldBn: true } as const;

export interface OrtMeasurement extends TimingSummary {
  /** Every timed run, ms, in order. */
  samplesMs: Float64Array;
}

function ortFailure(what: string, e: unknown): never {
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  fail(`ONNX Runtime failed to ${what}: ${msg}`, 'rerun with --verbose; report the architecture if the model is valid');
}

/** Times an ONNX model whose input `input` is 1 x c x h x w. */
export async function measureModel(
  model: Uint8Array,
  shape: { c: number; h: number; w: number },
  opts: OrtMeasureOptions = {},
): Promise<OrtMeasurement> {
  const o = { ...ORT_DEFAULTS, ...opts };
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: o.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    ortFailure('load the model', e);
  }
  try {
    const n = shape.c * shape.h * shape.w;
    const data = new Float32Array(n);
    const rng = new Rng(o.seed);
    for (let i = 0; i < n; i++) data[i] = rng.nextFloat() * 2 - 1;
    const feeds = { input: new ort.Tensor('float32', data, [1, shape.c, shape.h, shape.w]) };
    const samples = new Float64Array(o.repeats);
    try {
      for (let i = 0; i < o.warmup; i++) await session.run(feeds);
      for (let i = 0; i < o.repeats; i++) {
        const t0 = process.hrtime.bigint();
        await session.run(feeds);
        samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      }
    } catch (e) {
      ortFailure('run the model', e);
    }
    return { ...summarize(samples), samplesMs: samples };
  } finally {
    await session.release();
  }
}

/** Exports `graph` (He-initialised from the seed) and times it. */
export async function measureGraph(graph: Graph, opts: OrtMeasureOptions = {}): Promise<OrtMeasurement> {
  const seed = opts.seed ?? ORT_DEFAULTS.seed;
  const model = toOnnx(graph, { seed, foldBn: opts.foldBn ?? ORT_DEFAULTS.foldBn });
  return measureModel(model, graph.inputShape, opts);
}
