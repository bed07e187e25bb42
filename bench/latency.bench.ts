/**
 * `model:` latency of all 91,125 BLOX networks on the three poster devices (goal: under 1 s together),
 * against the baseline of costing full graphs (measured on a sample and extrapolated), in one process.
 */
import { getDevice, predictGraph } from '../src/hardware/index.js';
import { resolveSource } from '../src/objectives/all.js';
import { getSpace } from '../src/space/all.js';

const space = getSpace('blox');
const devices = ['cortex-m7', 'cortex-a76', 'adreno-640'];
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
