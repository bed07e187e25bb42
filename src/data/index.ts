/** Benchmark data: pinned downloads, readers and the objective sources built on them. */
export { type BloxRelease, importBloxRelease, readBloxStore } from './blox/import.js';
export { ensureFiles, getDataset } from './fetch.js';
export { DATASETS, HELP_DEVICES } from './manifest.js';
export { loadNb201, NB201_DATASETS, type Nb201Benchmark, type Nb201Dataset } from './nb201.js';
export { officialToSpace } from './nb201-sources.js';
export { type PickleValue, readPickle } from './pickle.js';
export { loadTableColumn, parseTableSpec, readTableColumn } from './table.js';
