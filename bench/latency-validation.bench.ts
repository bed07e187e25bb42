/**
 * Validation of the device models against real measured NAS-Bench-201 latencies (HELP tables, read
 * through the data module; needs HWNAS_MIRROR or network). Prints Kendall tau-b over all 15,625 cells:
 * zero-shot `model:cortex-a72` vs raspi4 and `model:cortex-a75` vs pixel3, and the few-shot `fit:`
 * correction from K = 20 random measured cells for every HELP device (tau on the whole space, measured
 * cells included), each beside the MACs-only baseline (reference: 0.74 raspi4, 0.67 pixel3; a few-shot
 * fit a + b * MACs is monotone in MACs, so its tau is the MACs tau).
 */
import { HELP_DEVICES } from '../src/data/index.js';
import { featureTimes, fitRows, getDevice, kendallTau, spaceLatency } from '../src/hardware/index.js';
import { archFeatures, spaceFeatures } from '../src/hardware/space-latency.js';
import { countMacs } from '../src/ir/count.js';
import { resolveSource } from '../src/objectives/all.js';
import { Rng } from '../src/rng.js';
import { getSpace } from '../src/space/all.js';

if (!process.env.HWNAS_MIRROR) {
  console.log('SKIPPED: set HWNAS_MIRROR (e.g. /work/shared/data/mirror) to read the HELP latency tables');
  process.exit(0);
}
const K = Number(process.env.FIT_K ?? 20);
const REPEATS = Number(process.env.FIT_REPEATS ?? 5);
const space = getSpace('nb201');
const t0 = performance.now();
const macs = new Float64Array(space.size);
for (let i = 0; i < space.size; i++) macs[i] = countMacs(space.network(i));
console.log(`MACs of ${space.size} cells: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const fmt = (x: number) => x.toFixed(3);
const zeroShot: [string, string][] = [
  ['raspi4', 'cortex-a72'],
  ['raspi4', 'cortex-a72@threads=1'],
  ['pixel3', 'cortex-a75'],
  ['pixel3', 'cortex-a75@threads=1'],
  ['pixel3', 'cortex-a76'],
];
console.log('\nzero-shot (no measured data used)');
console.log('help device | model                  | tau model | tau MACs');
for (const [help, dev] of zeroShot) {
  const measured = (await resolveSource(`help:${help}`, { space, quiet: true })).values;
  const t = performance.now();
  const pred = spaceLatency(space, getDevice(dev)).values;
  const ms = performance.now() - t;
  console.log(
    `${help.padEnd(11)} | ${dev.padEnd(22)} | ${fmt(kendallTau(pred, measured))}     | ${fmt(kendallTau(macs, measured))}   (${ms.toFixed(0)} ms)`,
  );
}

function baseFor(help: string): string {
  if (help === 'raspi4') return 'cortex-a72';
  if (help === 'pixel3') return 'cortex-a75';
  if (/^(1080ti|2080ti|titan)/.test(help)) return 'adreno-640';
  return 'cortex-a76';
}

console.log(`\nfew-shot fit: K = ${K} random measured cells, mean (min..max) over ${REPEATS} draws; tau on all cells`);
console.log('help device      | base model  | tau fit             | tau MACs | tau model zero-shot');
const feats = new Float64Array(9);
const codes: number[] = [];
for (const help of HELP_DEVICES) {
  const measured = (await resolveSource(`help:${help}`, { space, quiet: true })).values;
  const device = getDevice(baseFor(help));
  const sf = spaceFeatures(space, device);
  const times = Array.from({ length: space.size }, (_, i) => featureTimes(archFeatures(sf, i, feats, codes), device));
  const zero = spaceLatency(space, device).values;
  const taus: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const rng = new Rng(1000 + r);
    const rows: number[] = [];
    const seen = new Set<number>();
    while (rows.length < K) {
      const i = rng.nextInt(space.size);
      if (seen.has(i) || Number.isNaN(measured[i]!)) continue;
      seen.add(i);
      rows.push(i);
    }
    const m = fitRows(
      rows.map((i) => times[i]!),
      rows.map((i) => measured[i]!),
    );
    const pred = new Float64Array(space.size);
    for (let i = 0; i < space.size; i++) {
      let v = m.intercept;
      for (let j = 0; j < 9; j++) v += m.weights[j]! * times[i]![j]!;
      pred[i] = v;
    }
    taus.push(kendallTau(pred, measured));
  }
  const mean = taus.reduce((a, b) => a + b, 0) / taus.length;
  console.log(
    `${help.padEnd(16)} | ${device.spec.padEnd(11)} | ${fmt(mean)} (${fmt(Math.min(...taus))}..${fmt(Math.max(...taus))}) | ${fmt(kendallTau(macs, measured))}    | ${fmt(kendallTau(zero, measured))}`,
  );
}
