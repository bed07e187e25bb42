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
import { CONSTANT_NAMES, type Device } from './device.js';
import { detectKernels, type Kernel } from './kernels.js';

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
const KIND_INDEX = { conv: 0, pointwise: 1, depthwise: 2, linear: 3, pool: 4, elementwise: 5 } as const;

function padRatio(c: number, v: number): number {
  return v <= 1 || c <= 0 ? 1 : (Math.ceil(c / v) * v) / c;
}

/** Memory settings the features depend on (a figure may override the fast-memory size). */
export interface FeatureDevice {
  file: Device['file'];
  fastBytes: number;
  bytesPerValue: number;
}

/** Add kernel `k`'s features into `out` (length FEATURES). */
export function addKernelFeatures(k: Kernel, d: FeatureDevice, out: Float64Array): void {
  const v = d.file.vector;
  if (k.kind === 'conv' || k.kind === 'pointwise' || k.kind === 'linear') {
    out[KIND_INDEX[k.kind]] += k.macs * padRatio(k.cout, v.cout) * padRatio(k.cinPerGroup, v.cin);
  } else if (k.kind === 'depthwise') {
    out[2] += k.macs * padRatio(k.cout, v.cout);
  } else {
    out[KIND_INDEX[k.kind]] += k.elements;
  }
  const act = (k.inValues + k.outValues) * d.bytesPerValue;
  const w = k.weights * d.bytesPerValue;
  const inFast = d.file.weightsInSlowMemory ? act : act + w;
  const fast = Math.min(inFast, d.fastBytes);
  out[6] += fast;
  out[7] += inFast - fast + (d.file.weightsInSlowMemory ? w : 0);
  out[8] += 1;
}

/** Summed features of a graph's kernels; `block` restricts to kernels whose root has that block. */
export function graphFeatures(
  g: Graph,
  d: FeatureDevice,
  block?: number,
  out = new Float64Array(FEATURES),
): Float64Array {
  for (const k of detectKernels(g, d.file.fusion)) {
    if (block === undefined || k.block === block) addKernelFeatures(k, d, out);
  }
  return out;
}

/** Per-block feature sums: index block+1 (0 = fixed part), for blocks -1..nBlocks-1. */
export function blockFeatures(g: Graph, d: FeatureDevice, nBlocks: number): Float64Array[] {
  const out = Array.from({ length: nBlocks + 1 }, () => new Float64Array(FEATURES));
  for (const k of detectKernels(g, d.file.fusion)) addKernelFeatures(k, d, out[k.block + 1]!);
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
