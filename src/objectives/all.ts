/** Side-effect imports that register every source kind. Import this (not the registry) from commands. */
export { knownSources, resolveSource, setSourcesVerbose, sourceReads } from './registry.js';

import '../hardware/ort/source.js';
import '../data/sources.js';
import '../hardware/sources.js';
import '../hardware/nnmeter/source.js';
