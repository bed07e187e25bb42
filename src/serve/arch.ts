/**
 * One architecture as the dashboard shows it: every notation, the network layer by layer (output shape,
 * params, MACs), the totals and peak activation memory (ir/count.ts), and its ONNX model (ir/onnx.ts).
 * Counts of the architectures a front shows are cached (they are a pure function of space and index).
 */
import { fail, isHwnasError } from '../errors.js';
import {
  countMacs,
  countParams,
  countPtflops,
  nodeMacs,
  nodeParams,
  peakActivationBytes,
  weightBytes,
} from '../ir/count.js';
import { toOnnx } from '../ir/onnx.js';
import { toTorchSource } from '../ir/torch.js';
import { getSpace } from '../space/all.js';
import type { Notations, SearchSpace } from '../space/types.js';

export interface ArchCounts {
  params: number;
  macs: number;
  /** Peak live activations, bytes at fp32. */
  peak: number;
}

export interface LayerRow {
  scope: string;
  op: string;
  block: number;
  shape: [number, number, number];
  params: number;
  macs: number;
}

export interface ArchDetail extends ArchCounts {
  space: string;
  index: number;
  notations: Notations;
  classes: number;
  input: [number, number, number];
  flops: number;
  peakInt8: number;
  weights: number;
  layers: LayerRow[];
}

/** The space of a study or search, or undefined when it cannot be built here (a user file not found). */
export function spaceOf(id: string): SearchSpace | undefined {
  try {
    return getSpace(id);
  } catch (e) {
    if (isHwnasError(e)) return undefined;
    throw e;
  }
}

/** `text`: an index from a URL; refused unless a whole number inside the space. */
export function archIndex(space: SearchSpace, text: string): number {
  const n = /^\d{1,12}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n >= space.size)
    fail(`no architecture '${text}' in space ${space.id}`, `give an index from 0 to ${space.size - 1}`);
  return n;
}

const CACHE_LIMIT = 20_000;
const countCache = new Map<string, ArchCounts>();

export function archCounts(space: SearchSpace, index: number): ArchCounts {
  const key = `${space.id}\0${index}`;
  const hit = countCache.get(key);
  if (hit) return hit;
  const g = space.network(index);
  const c = { params: countParams(g), macs: countMacs(g), peak: peakActivationBytes(g, 4) };
  if (countCache.size >= CACHE_LIMIT) countCache.clear();
  countCache.set(key, c);
  return c;
}

export function archDetail(space: SearchSpace, index: number): ArchDetail {
  const g = space.network(index);
  const s = g.inputShape;
  const layers: LayerRow[] = g.nodes
    .filter((n) => n.op !== 'input')
    .map((n) => ({
      scope: n.scope,
      op: n.op,
      block: n.block,
      shape: [n.shape.c, n.shape.h, n.shape.w],
      params: nodeParams(n, g),
      macs: nodeMacs(n, g),
    }));
  return {
    space: space.id,
    index,
    notations: space.notations(index),
    classes: space.defaultClasses,
    input: [s.c, s.h, s.w],
    params: countParams(g),
    macs: countMacs(g),
    flops: countPtflops(g),
    peak: peakActivationBytes(g, 4),
    peakInt8: peakActivationBytes(g, 1),
    weights: weightBytes(g, 4),
    layers,
  };
}

/** The architecture's network as a PyTorch module source, as `hwnas export-torch` writes it. */
export function archTorch(space: SearchSpace, index: number): string {
  return toTorchSource(space.network(index), {
    title: `${space.id} architecture ${space.format(index)} (index ${index})`,
  });
}

/** The architecture's network as ONNX (opset 17, batch N; seed 0 weights, as `hwnas export-onnx`). */
export function archOnnx(space: SearchSpace, index: number): Uint8Array {
  return toOnnx(space.network(index), { seed: 0 });
}
