/** Every CLI command, registered in the order `hwnas --help` lists them. One import per command file. */
import type { Command } from 'commander';
import * as exportOnnx from './export-onnx.js';
import * as measure from './measure.js';
import * as spaces from './spaces.js';
import * as arch from './arch.js';
import * as data from './data.js';
import * as benchInfo from './bench-info.js';
import * as metrics from './metrics.js';
import * as front from './front.js';
import * as reproduce from './reproduce.js';
import * as report from './report.js';
import * as prune from './prune.js';
import * as search from './search.js';
import * as latency from './latency.js';
import * as devices from './devices.js';
import * as calibrate from './calibrate.js';
import * as openSearch from './open-search.js';
import * as worker from './worker.js';

type Register = (program: Command) => void;

const registrations: Register[] = [exportOnnx.register, measure.register, spaces.register, arch.register, data.register, benchInfo.register, metrics.register, front.register, reproduce.register, report.register, prune.register, search.register, latency.register, devices.register, calibrate.register, openSearch.register, worker.register];

export function registerAll(program: Command): void {
  for (const register of registrations) register(program);
}
