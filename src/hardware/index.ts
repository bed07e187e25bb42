/**
 * Hardware latency: device models (devices/*.json), kernel detection, the analytical cost model,
 * calibration against published figures, per-space latency with per-block caching, memory limits, and the
 * sources `model:`, `lut:`, `fit:` (registered by importing `./sources.js`, done by src/objectives/all.ts).
 */
export { type CalibrationRow, calibrateDevice, fitVariant, type VariantFit, writeCalibration } from './calibrate.js';
export { FEATURE_LABELS, featureTimes, graphFeatures, predictGraph } from './cost.js';
export {
  type Calibration,
  clearDeviceCache,
  type Device,
  type DeviceFile,
  devicePath,
  getDevice,
  listDevices,
  loadDeviceFile,
  PRECISION_OPTION,
} from './device.js';
export { applyCorrection, fitCorrection, fitRows, selectFit, withDeadCode } from './fit.js';
export { planMeasurements } from './fit-plan.js';
export { kendallTau } from './kendall.js';
export { detectKernels, type Kernel, type KernelKind } from './kernels.js';
export { fitsMemory, type MemoryReport, memoryReport } from './memory.js';
export { type ReplicateNoise, replicateNoise, twinPairs } from './replicates.js';
export { archFeatures, spaceFeatures, spaceLatency, sumTables } from './space-latency.js';
