/**
 * Params + MACs + flops of every network of a closed space: spaceCounts (per-block cache) against the
 * baseline of building and counting every network, measured on a sample in the same process and
 * extrapolated. Targets (issue 2): BLOX 91,125 networks < 2 s, NB201 15,625 < 0.5 s, memory < 500 MB.
 * Also times the BLOX model-hash table (91,125 hashes) that parsing a hash needs: build, cached load, lookups.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countAll } from '../src/ir/count.js';
import { getSpace, listSpaces } from '../src/space/all.js';
import { modelHash } from '../src/space/blox/hash.js';
import { loadOrBuildHashTable } from '../src/space/blox/hashCache.js';
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

// BLOX model hash -> index (issue: hash lookups and release imports fast): building the table of all
// 91,125 hashes against hashing each network from its arch vector (graph build + minimisation, sampled,
// extrapolated); writing and loading the cache file; lookups; notations with and without the table.
{
  const dir = mkdtempSync(join(tmpdir(), 'hwnas-bench-hash-'));
  const path = join(dir, 'blox-model-hashes.bin');
  const blox = new BloxSpace();
  const sample = 2000;
  const naive = timeMs(() => {
    for (let i = 0; i < sample; i++) modelHash(blox.stages((i * 45) % blox.size));
  });
  const perArch = (naive / sample) * 1000;
  let built: ReturnType<typeof loadOrBuildHashTable> | undefined;
  const build = timeMs(() => {
    built = loadOrBuildHashTable(blox.classes, { path, quiet: true });
  });
  const loads: number[] = [];
  let table = built!.table;
  for (let r = 0; r < 5; r++) {
    loads.push(
      timeMs(() => {
        const l = loadOrBuildHashTable(blox.classes, { path, quiet: true });
        if (l.how !== 'loaded') throw new Error('the cache file did not load');
        table = l.table;
      }),
    );
  }
  const hashes = Array.from({ length: blox.size }, (_, i) => table.hashAt((i * 7919) % blox.size));
  let found = 0;
  const lookup = timeMs(() => {
    for (const h of hashes) found += table.indexOf(h) === undefined ? 0 : 1;
  });
  const map = new Map(hashes.map((h) => [h, 0]));
  const mapLookup = timeMs(() => {
    for (const h of hashes) found += map.get(h) === undefined ? 0 : 1;
  });
  const nNot = 2000;
  const notesComputed = timeMs(() => {
    for (let i = 0; i < nNot; i++) blox.notations((i * 45) % blox.size);
  });
  blox.hashTable({ path, quiet: true }); // the process now holds the table: notations read it
  const notesTable = timeMs(() => {
    for (let i = 0; i < nNot; i++) blox.notations((i * 45) % blox.size);
  });
  console.log(
    `blox hash table: build ${(build / 1000).toFixed(2)} s (${((build / blox.size) * 1000).toFixed(1)} us/network, written ${built!.written}) ` +
      `vs per-arch modelHash ${perArch.toFixed(1)} us/network -> ${((perArch * blox.size) / 1e6).toFixed(2)} s, ratio ${((perArch * blox.size) / 1000 / build).toFixed(2)}x; ` +
      `cache ${(statSync(path).size / 2 ** 20).toFixed(2)} MB, load first ${loads[0]!.toFixed(1)} ms, best ${Math.min(...loads).toFixed(1)} ms; ` +
      `lookup ${(((blox.size / lookup) * 1000) / 1e6).toFixed(2)} M/s (Map<string> ${(((blox.size / mapLookup) * 1000) / 1e6).toFixed(2)} M/s) [${found === 2 * blox.size ? 'ok' : 'MISMATCH'}]; ` +
      `notations ${((notesComputed / nNot) * 1000).toFixed(1)} us computed, ${((notesTable / nNot) * 1000).toFixed(1)} us with the table`,
  );
  rmSync(dir, { recursive: true, force: true });
}
