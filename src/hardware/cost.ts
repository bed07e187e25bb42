/**
 * The analytical cost model. Each kernel becomes a feature vector of work counts (padded MACs per
 * kernel type, pooled and element-wise elements, bytes from fast and slow memory, one launch), and its
 * time is the dot product with the device's constants (cycles per unit) divided by the clock. The model
 * is linear in the constants on purpose: calibration and few-shot correction are then non-negative
 * least squares, and graph / block costs are plain sums of kernel features.
 *
 * Memory: a kernel's working set (inputs + output + weights, unless weights live in flash) is served
 * from fast memory (cache / SRAM) up to its size; the excess, and MCU weights read from flash, cost slow-memory cycles.
 * Compute and memory time are summed, not maxed (a roofline max is not linear; the fitted constants
 * absorb the overlap).
 */
import type { Graph } from '../ir/graph.js';
import { CONSTANT_NAMES, type Device, type FusionRules } from './device.js';
import { type FlatGraph, flattenGraph } from './flat-graph.js';
import { FlatScratch, flatKernels, KERNEL_FIELDS } from './kernels.js';

export const FEATURES = CONSTANT_NAMES.length;
export const FEATURE_LABELS = [
  'conv',
  'pointwise',
  'depthwise',
  'linear',
  'pool',
  'elementwise',
  'fast bytes',
  'slow bytes',
  'kernels',
] as const;

function padRatio(c: number, v: number): number {
  return v <= 1 || c <= 0 ? 1 : (Math.ceil(c / v) * v) / c;
}

/** Memory settings the features depend on (a figure may override the fast-memory size). */
export interface FeatureDevice {
  file: Device['file'];
  fastBytes: number;
  bytesPerValue: number;
}

/**
 * Add the features of the kernel whose fields (kernels.ts, KERNEL_FIELDS) are k[o ..] into `out` (length
 * FEATURES). A kernel's kind code is its compute feature's index.
 */
export function addKernelFeatures(k: Float64Array, o: number, d: FeatureDevice, out: Float64Array): void {
  const v = d.file.vector;
  const kind = k[o]!;
  if (kind === 0 || kind === 1 || kind === 3) {
    // dense conv, pointwise conv, linear
    out[kind] += k[o + 1]! * padRatio(k[o + 2]!, v.cout) * padRatio(k[o + 3]!, v.cin);
  } else if (kind === 2) {
    out[2] += k[o + 1]! * padRatio(k[o + 2]!, v.cout); // depthwise
  } else {
    out[kind] += k[o + 4]!; // pool, element-wise
  }
  const act = (k[o + 5]! + k[o + 6]!) * d.bytesPerValue;
  const w = k[o + 7]! * d.bytesPerValue;
  const inFast = d.file.weightsInSlowMemory ? act : act + w;
  const fast = Math.min(inFast, d.fastBytes);
  out[6] += fast;
  out[7] += inFast - fast + (d.file.weightsInSlowMemory ? w : 0);
  out[8] += 1;
}

/** Summed kernel features of flat graph `g` under `rules` on `d`, added into `out`. */
export function flatFeatures(
  g: FlatGraph,
  rules: FusionRules,
  d: FeatureDevice,
  out: Float64Array,
  s: FlatScratch,
): Float64Array {
  if (out.length < FEATURES) throw new Error('flatFeatures: output too short');
  const count = flatKernels(g, rules, s);
  for (let q = 0; q < count; q++) addKernelFeatures(s.fields, q * KERNEL_FIELDS, d, out);
  return out;
}

const scratch = new FlatScratch();

/** Summed features of a graph's kernels; `block` restricts to kernels whose root has that block. */
export function graphFeatures(
  g: Graph,
  d: FeatureDevice,
  block?: number,
  out = new Float64Array(FEATURES),
): Float64Array {
  if (block === undefined) return flatFeatures(flattenGraph(g), d.file.fusion, d, out, scratch);
  const count = flatKernels(flattenGraph(g), d.file.fusion, scratch);
  for (let q = 0; q < count; q++)
    if (g.nodes[scratch.roots[q]!]!.block === block) addKernelFeatures(scratch.fields, q * KERNEL_FIELDS, d, out);
  return out;
}

/** Per-block feature sums: index block+1 (0 = fixed part), for blocks -1..nBlocks-1. */
export function blockFeatures(g: Graph, d: FeatureDevice, nBlocks: number): Float64Array[] {
  const out = Array.from({ length: nBlocks + 1 }, () => new Float64Array(FEATURES));
  const count = flatKernels(flattenGraph(g), d.file.fusion, scratch);
  for (let q = 0; q < count; q++)
    addKernelFeatures(scratch.fields, q * KERNEL_FIELDS, d, out[g.nodes[scratch.roots[q]!]!.block + 1]!);
  return out;
}

/** Milliseconds of a feature vector on a device: cycles / (MHz * 1000). */
export function featuresMs(f: ArrayLike<number>, d: Pick<Device, 'constants' | 'clockMHz'>): number {
  let cycles = 0;
  for (let j = 0; j < FEATURES; j++) cycles += f[j]! * d.constants[CONSTANT_NAMES[j]!];
  return cycles / (d.clockMHz * 1000);
}

/** Per-feature milliseconds (the time split by kernel type and memory). */
export function featureTimes(f: ArrayLike<number>, d: Pick<Device, 'constants' | 'clockMHz'>): Float64Array {
  const t = new Float64Array(FEATURES);
  for (let j = 0; j < FEATURES; j++) t[j] = (f[j]! * d.constants[CONSTANT_NAMES[j]!]) / (d.clockMHz * 1000);
  return t;
}

/** Predicted latency of one inference (batch 1) of `g` on `d`, ms. */
export function predictGraph(g: Graph, d: Device): number {
  return featuresMs(graphFeatures(g, d), d);
}
