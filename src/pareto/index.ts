/**
 * The Pareto core: non-dominated sorting, crowding distance, exact fronts, normalisation and quality
 * indicators. Objectives are flat row-major Float64Arrays (n points x m objectives), all minimised
 * (negate what is maximised, e.g. accuracy). Definitions and choices: docs/indicators.md.
 * The entry point of the module: other modules import from here, not from the files below.
 */
export { crowdingDistance, crowdingDistanceInto, crowdingDistanceOfDistinctInto } from './crowding.js';
export { type GdVariant, gd, gdPlus, igd, igdPlus } from './distance.js';
export { nonDominatedFronts, paretoFrontIndices } from './fronts.js';
export { HV_REFERENCE, hvReferencePoint, hypervolume } from './hypervolume.js';
export { type Normalization, normalizationFromBounds, normalizationFromFront, normalize } from './normalize.js';
export { nonDominatedRanks, nonDominatedRanksInto } from './ranks.js';
export { sortIndices } from './sort-indices.js';
