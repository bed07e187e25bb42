/**
 * The closed problem: the objective matrix of a space with directions, its covered and feasible masks,
 * the true front, the normalisation and the distances to the front; convergence of a search to that front.
 * (`load.ts`, which resolves source specs and so loads every source kind, is imported on its own.)
 */
export { FrontArchive } from './archive.js';
export {
  ClosedProblem,
  type ClosedProblemOptions,
  type ClosedSources,
  checkCoverage,
  closedProblem,
  frontRows,
  type NormalizedProblem,
} from './closed.js';
export { countMask, feasibleMask, parseConstraints } from './constraints.js';
export {
  type Checkpoint,
  type Convergence,
  type ConvergenceTarget,
  convergence,
  type FrontQuality,
  frontQuality,
  type Replay,
  type ReplayCheckpoint,
  type ReplayTarget,
  replay,
} from './convergence.js';
export { maskIndices, pickRows, trueFront } from './rows.js';
