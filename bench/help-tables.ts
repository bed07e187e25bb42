/**
 * What the latency benches on the real HELP NAS-Bench-201 tables share: the skip when no data is at hand,
 * every table aligned with the space index, the cells' MACs and the node-swap twin pairs (the tables' own
 * repeat measurements, src/hardware/replicates.ts).
 */
import { HELP_DEVICES } from '../src/data/index.js';
import { twinPairs } from '../src/hardware/index.js';
import { countMacs } from '../src/ir/count.js';
import { resolveSource } from '../src/objectives/all.js';
import { getSpace } from '../src/space/all.js';
import { nodeSwapTwin } from '../src/space/nb201/index.js';

if (!process.env.HWNAS_MIRROR) {
  console.log('SKIPPED: set HWNAS_MIRROR (e.g. ../shared/data/mirror) to read the HELP latency tables');
  process.exit(0);
}

export const space = getSpace('nb201');

/** Every HELP table by device name, NaN where a cell was not measured. */
export const measuredOf = new Map<string, Float64Array>();
for (const help of HELP_DEVICES)
  measuredOf.set(help, (await resolveSource(`help:${help}`, { space, quiet: true })).values);

export const macs = Float64Array.from({ length: space.size }, (_, i) => countMacs(space.network(i)));

export const twins = twinPairs(space.size, (i) => {
  const t = nodeSwapTwin(space.decode(i));
  return t ? space.encode(t) : null;
});

export const fmt = (x: number) => x.toFixed(3);
