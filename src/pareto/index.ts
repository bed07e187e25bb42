/**
 * The Pareto core: non-dominated sorting, crowding distance, exact fronts, normalisation and quality
 * indicators. Objectives are flat row-major Float64Arrays (n points x m objectives), all minimised
 * (negate what is maximised, e.g. accuracy). Definitions and choices: docs/indicators.md.
 */
export { crowdingDistance } from './crowding.js';
export { type GdVariant, gd, gdPlus, igd, igdPlus } from './distance.js';
export { HV_REFERENCE, hvReferencePoint, hypervolume } from './hypervolume.js';
export { crowdingDistanceInto, nonDominatedRanksInto, sortIndices } from './into.js';
export { type Normalization, normalizationFromBounds, normalizationFromFront, normalize } from './normalize.js';
export { nonDominatedFronts, nonDominatedRanks, paretoFrontIndices } from './sort.js';
