/** Registers the data module's objective sources: nb201, help, table, blox. Imported by objectives/all.ts. */
import { registerSource } from '../objectives/registry.js';
import { resolveBlox } from './blox/source.js';
import { NB201_DATASETS } from './nb201.js';
import { resolveHelp, resolveNb201 } from './nb201-sources.js';
import { parseTableSpec, resolveTable } from './table.js';

registerSource('nb201', `NAS-Bench-201 test accuracy (%, max): nb201:<${NB201_DATASETS.join('|')}>`, resolveNb201);
registerSource(
  'help',
  'HELP measured latency of NB201 cells (ms, min): help:<device>, e.g. help:pixel3 (hwnas bench info nb201 lists them)',
  resolveHelp,
);
registerSource(
  'table',
  'your own measurements: table:<file.csv>#<column>[:min|:max] (arch or index column + value columns)',
  resolveTable,
  (rest) => [parseTableSpec(rest).file],
);
registerSource(
  'blox',
  'imported BLOX release column: blox:<column>, e.g. blox:test_top1, blox:bench-<device> (hwnas data import blox <dir>)',
  resolveBlox,
);
