/**
 * `model:` latency of whole spaces on the three poster devices, cold, against building and costing every
 * network (the baseline), in one process:
 * - NAS-Bench-201 (not additive): all 15,625 networks spliced from block runs and costed from one kernel
 *   stream per fusion-rule set (goal: under 0.3 s for the three devices together); the baseline builds and
 *   predicts every network (all 15,625 x 3, measured), and every value must be bit-identical to it.
 * - BLOX (additive, per-block cache; goal: under 1 s together) against full graphs measured on a sample.
 */
import { getDevice, predictGraph } from '../src/hardware/index.js';
import { resolveSource } from '../src/objectives/all.js';
import { getSpace } from '../src/space/all.js';

const devices = ['cortex-m7', 'cortex-a76', 'adreno-640'];

// NAS-Bench-201 first (BLOX graphs make later graph building and kernel detection slower), fast path
// first: nothing of this space is cached yet.
const nb201 = getSpace('nb201');
/** CPU milliseconds of this process since `from` (less sensitive than wall time to other load on the machine). */
function cpuMs(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
}
const columns: Float64Array[] = [];
const perDevice: string[] = [];
const tFast = performance.now();
const cFast = process.cpuUsage();
for (const d of devices) {
  const t = performance.now();
  columns.push((await resolveSource(`model:${d}`, { space: nb201, quiet: true })).values);
  perDevice.push(`${d} ${(performance.now() - t).toFixed(0)} ms`);
}
const fast = performance.now() - tFast;
const fastCpu = cpuMs(cFast);
console.log(
  `model: all ${nb201.size} NB201 networks x ${devices.length} devices (spliced, kernel streams, cold): ${fast.toFixed(0)} ms wall, ${fastCpu.toFixed(0)} ms CPU (${perDevice.join(', ')})`,
);

let mismatches = 0;
const tBase = performance.now();
const cBase = process.cpuUsage();
devices.forEach((id, k) => {
  const d = getDevice(id);
  for (let i = 0; i < nb201.size; i++) if (predictGraph(nb201.network(i), d) !== columns[k]![i]) mismatches++;
});
const base = performance.now() - tBase;
const baseCpu = cpuMs(cBase);
console.log(
  `baseline: build + predictGraph for every network: ${base.toFixed(0)} ms wall, ${baseCpu.toFixed(0)} ms CPU (${((1000 * base) / (nb201.size * devices.length)).toFixed(1)} us per network and device)`,
);
console.log(
  `NB201 speed-up ${(base / fast).toFixed(1)}x wall, ${(baseCpu / fastCpu).toFixed(1)}x CPU; values differing from the baseline: ${mismatches} of ${nb201.size * devices.length}; goal < 300 ms: ${fast < 300 ? 'met' : 'NOT met'}`,
);
if (mismatches > 0) process.exitCode = 1;

// BLOX.
const space = getSpace('blox');
const t0 = performance.now();
for (const d of devices) await resolveSource(`model:${d}`, { space, quiet: true });
const cached = performance.now() - t0;
console.log(
  `model: all ${space.size} BLOX networks x ${devices.length} devices (per-block cache, cold): ${cached.toFixed(0)} ms`,
);

const SAMPLE = 300;
const t1 = performance.now();
for (const id of devices) {
  const d = getDevice(id);
  for (let i = 0; i < SAMPLE; i++) predictGraph(space.network((i * 7919) % space.size), d);
}
const perGraph = (performance.now() - t1) / (SAMPLE * devices.length);
const full = perGraph * space.size * devices.length;
console.log(
  `baseline: full graph per network ${perGraph.toFixed(3)} ms -> ${(full / 1000).toFixed(1)} s for the same work (extrapolated from ${SAMPLE} per device)`,
);
console.log(`speed-up ${(full / cached).toFixed(0)}x; goal < 1000 ms: ${cached < 1000 ? 'met' : 'NOT met'}`);
