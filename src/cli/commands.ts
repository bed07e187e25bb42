/** Every CLI command, registered in the order `hwnas --help` lists them. One import per command file. */
import type { Command } from 'commander';
import * as arch from './arch.js';
import * as benchInfo from './bench-info.js';
import * as calibrate from './calibrate.js';
import * as data from './data.js';
import * as devices from './devices.js';
import * as exportOnnx from './export-onnx.js';
import * as exportTorch from './export-torch.js';
import * as fitPlan from './fit-plan.js';
import * as front from './front.js';
import * as latency from './latency.js';
import * as measure from './measure.js';
import * as metrics from './metrics.js';
import * as openSearch from './open-search.js';
import * as prune from './prune.js';
import * as report from './report.js';
import * as reproduce from './reproduce.js';
import * as search from './search.js';
import * as spaces from './spaces.js';
import * as worker from './worker.js';

type Register = (program: Command) => void;

// The main job first, then the pipeline in the order of DESIGN.md: space -> network -> data -> latency ->
// pruning -> search -> indicators -> open problems.
const registrations: Register[] = [
  reproduce.register,
  report.register,
  spaces.register,
  arch.register,
  exportOnnx.register,
  exportTorch.register,
  data.register,
  benchInfo.register,
  devices.register,
  latency.register,
  calibrate.register,
  fitPlan.register,
  measure.register,
  prune.register,
  search.register,
  front.register,
  metrics.register,
  openSearch.register,
  worker.register,
];

export function registerAll(program: Command): void {
  for (const register of registrations) register(program);
}
