/** Benchmark data: pinned downloads, readers and the objective sources built on them. */
export { type BloxRelease, importBloxRelease, readBloxStore } from './blox/import.js';
export { cachedFilePath } from './cache.js';
export { ensureFiles, getDataset, sha256Hex } from './fetch.js';
export {
  type Forest,
  type ForestJson,
  forestFromTrees,
  forestToJson,
  predictForest,
  type TreeArrays,
} from './forest.js';
export type { PinnedFile } from './manifest.js';
export { DATASETS, HELP_DEVICES } from './manifest.js';
export { loadNb201, NB201_DATASETS, type Nb201Benchmark, type Nb201Dataset, nb201CachePath } from './nb201.js';
export { officialToSpace } from './nb201-sources.js';
export { type PickleObjects, PickleRef, type PickleValue, readPickle } from './pickle.js';
export { type FrontRow, frontCsv } from './points.js';
export { readForestPickle } from './sklearn-pickle.js';
export { loadTableColumn, parseTableSpec, readTableColumn } from './table.js';
