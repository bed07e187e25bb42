/** Side-effect imports that register every built-in space. Import this (not the registry) from commands. */
export { getSpace, listSpaces } from './registry.js';

import './nb201/index.js';
import './layered/index.js';
import './blox/index.js';
