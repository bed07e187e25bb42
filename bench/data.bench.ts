/**
 * NB201 benchmark loading (3 accuracies + 27 HELP latency columns, 15,625 cells):
 * cold = parse the pinned source files (csv + 28 .pt pickles) and cross-check them;
 * warm = read the compact binary cache (one file, checksum verified, zero-copy columns).
 * Needs the real data: HWNAS_MIRROR=<mirror folder or URL> (skips otherwise).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFiles } from '../src/data/fetch.js';
import { nb201CachePath, parseNb201Sources, readNb201Cache, writeNb201Cache } from '../src/data/nb201.js';

if (!process.env.HWNAS_MIRROR) {
  console.log('data.bench: skipped (set HWNAS_MIRROR to the real-data mirror)');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'hwnas-bench-data-'));
process.env.HWNAS_CACHE = dir;
try {
  await ensureFiles('nb201', { quiet: true });
  const time = (f: () => void): number => {
    globalThis.gc?.();
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  let cells = 0;
  const cold = Array.from({ length: 5 }, () =>
    time(() => {
      const b = parseNb201Sources();
      cells = b.size * (3 + b.devices.length);
      writeNb201Cache(b, nb201CachePath());
    }),
  );
  const warm = Array.from({ length: 20 }, () =>
    time(() => {
      if (!readNb201Cache(nb201CachePath())) throw new Error('cache unreadable');
    }),
  );
  const c = median(cold);
  const w = median(warm);
  console.log(`values loaded per run: ${cells} (15,625 cells x 30 columns)`);
  console.log(`cold parse + cross-check + cache write (median of ${cold.length}): ${c.toFixed(1)} ms`);
  console.log(
    `warm binary-cache load (median of ${warm.length}): ${w.toFixed(2)} ms (first ${warm[0]!.toFixed(2)} ms)`,
  );
  console.log(`ratio cold/warm: ${(c / w).toFixed(1)}x; target warm < 300 ms: ${w < 300 ? 'met' : 'NOT met'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
