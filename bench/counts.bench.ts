/**
 * Params + MACs + flops of every network of a closed space: spaceCounts (per-block cache) against the
 * baseline of building and counting every network, measured on a sample in the same process and
 * extrapolated. Targets (issue 2): BLOX 91,125 networks < 2 s, NB201 15,625 < 0.5 s, memory < 500 MB.
 * Also times the BLOX model-hash index (91,125 hashes) that parsing a hash needs.
 */
import { countAll } from '../src/ir/count.js';
import { getSpace, listSpaces } from '../src/space/all.js';
import { modelHash } from '../src/space/blox/hash.js';
import { HashIndexer } from '../src/space/blox/hashIndex.js';
import { BloxSpace } from '../src/space/blox/index.js';
import { spaceCounts } from '../src/space/counts.js';
import type { SearchSpace } from '../src/space/types.js';

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function timeMs(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

function benchSpace(space: SearchSpace, sample: number): void {
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let checksum = 0;
  const first = timeMs(() => {
    checksum += spaceCounts(space).params[0]!;
  });
  const heapAfter = process.memoryUsage().heapUsed;
  const again: number[] = [];
  for (let r = 0; r < 3; r++) again.push(timeMs(() => (checksum += spaceCounts(space).macs[1]!)));
  const best = Math.min(first, ...again);

  const step = Math.max(1, Math.floor(space.size / sample));
  let n = 0;
  const full = timeMs(() => {
    for (let i = 0; i < space.size && n < sample; i += step, n++) checksum += countAll(space.network(i)).params;
  });
  const extrapolated = (full / n) * space.size;
  console.log(
    `${space.id.padEnd(6)} ${space.size} networks: spaceCounts first ${first.toFixed(1)} ms, best ${best.toFixed(1)} ms; ` +
      `full count ${(full / n).toFixed(3)} ms/network x ${space.size} = ${(extrapolated / 1000).toFixed(1)} s ` +
      `(sample ${n}); speed-up ${(extrapolated / first).toFixed(0)}x (first), ${(extrapolated / best).toFixed(0)}x (best); ` +
      `heap +${mb(heapAfter - heap0)}, rss ${mb(process.memoryUsage().rss)} [${checksum > 0 ? 'ok' : '?'}]`,
  );
}

benchSpace(getSpace('blox'), 400);
if (listSpaces().some((s) => s.name === 'nb201')) benchSpace(getSpace('nb201'), 400);
else console.log('nb201  not registered: skipped');

// BLOX model hash -> index: the full scan a first hash lookup may need, against hashing each network
// from its arch vector (graph build + minimisation) on a sample.
const blox = new BloxSpace();
const sample = 2000;
const naive = timeMs(() => {
  for (let i = 0; i < sample; i++) modelHash(blox.stages((i * 45) % blox.size));
});
const indexer = new HashIndexer(blox.classes);
const scan = timeMs(() => indexer.complete());
console.log(
  `blox hash index: ${blox.size} hashes in ${(scan / 1000).toFixed(2)} s (${((scan / blox.size) * 1000).toFixed(1)} us each); ` +
    `modelHash from arch vec ${((naive / sample) * 1000).toFixed(1)} us each -> ${(((naive / sample) * blox.size) / 1000).toFixed(2)} s; ` +
    `ratio ${((naive / sample) * blox.size) / scan > 0 ? (((naive / sample) * blox.size) / scan).toFixed(2) : '?'}x; rss ${mb(process.memoryUsage().rss)}`,
);
