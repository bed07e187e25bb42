/** Measurement on this host with ONNX Runtime: timing, statistics, the `ort` source. */
export { measureGraph, measureModel, ORT_DEFAULTS, type OrtMeasurement, type OrtMeasureOptions } from './measure.js';
export { ORT_MAX_DEFAULT, parseOrtSpec, resolveOrt } from './source.js';
export { quantileSorted, summarize, type TimingSummary } from './stats.js';
