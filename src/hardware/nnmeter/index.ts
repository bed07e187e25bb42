/**
 * nn-Meter's latency predictors without Python: predictor packages (pickled scikit-learn forests + fusion
 * rules, or their JSON conversion), nn-Meter's kernel detection and features on the IR, per-space latency
 * with per-block caching. The source `nnmeter:` is registered by `./source.js` (imported by objectives/all.ts).
 */
export { detectMeterKernels, type MeterKernel } from './detect.js';
export { type KernelFeatures, kernelFeatures, predictorName } from './features.js';
export { lowerGraph, type MeterNode } from './lower.js';
export {
  type PredictedKernel,
  PredictionMemo,
  predictGraphMs,
  predictKernels,
  unpredictedSummary,
} from './predict.js';
export {
  loadPredictors,
  type MeterPredictors,
  PREDICTORS_FORMAT,
  type PredictorsJson,
  predictorsToJson,
} from './predictors.js';
export { BUILTIN_UNITS, type FusionRules, type MonMode, readFusionRules } from './rules.js';
