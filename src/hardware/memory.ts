/**
 * Memory limits of microcontroller targets: weights live in flash, activations in SRAM. A network that
 * does not fit cannot run at all, whatever its latency, so searches treat these as constraints.
 */
import { peakActivationBytes, weightBytes } from '../ir/count.js';
import type { Graph } from '../ir/graph.js';
import type { Device } from './device.js';

export interface MemoryReport {
  device: string;
  /** Weights at the device's precision (int8: 1 byte per parameter). */
  weightBytes: number;
  flashBytes: number | null;
  /** Peak bytes of live activations when layers run in graph order. */
  peakActivationBytes: number;
  sramBytes: number | null;
  fitsFlash: boolean;
  fitsSram: boolean;
}

export function memoryReport(g: Graph, device: Device): MemoryReport {
  const w = weightBytes(g, device.bytesPerValue);
  const act = peakActivationBytes(g, device.bytesPerValue);
  const flash = device.flashBytes ?? null;
  const sram = device.sramBytes ?? null;
  return {
    device: device.spec,
    weightBytes: w,
    flashBytes: flash,
    peakActivationBytes: act,
    sramBytes: sram,
    fitsFlash: flash === null || w <= flash,
    fitsSram: sram === null || act <= sram,
  };
}

/** Search constraint: the network's weights fit in flash and its activations in SRAM (always true without limits). */
export function fitsMemory(g: Graph, device: Device): boolean {
  const r = memoryReport(g, device);
  return r.fitsFlash && r.fitsSram;
}
