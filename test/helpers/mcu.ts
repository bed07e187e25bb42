/** A small closed problem that needs no downloaded data: the MCU example space, accuracy from a table. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

export const mcuSpace = join(repoRoot, 'examples', 'mcu-dscnn.json');

/** Writes (once) a deterministic accuracy table of the 3200 architectures into `dir`; returns its source. */
export function mcuAccuracy(dir: string): string {
  const path = join(dir, 'acc.csv');
  if (!existsSync(path)) {
    const rows = Array.from({ length: 3200 }, (_, i) => `${i},${(50 + ((i * 7919) % 3200) / 100).toFixed(3)}`);
    writeFileSync(path, `index,acc\n${rows.join('\n')}\n`);
  }
  return `table:${path}#acc:max`;
}

/** `hwnas search` arguments of the MCU problem, its accuracy table kept in `dir`. */
export const mcuSearch = (dir: string) => [
  'search',
  '--space',
  mcuSpace,
  '--accuracy',
  mcuAccuracy(dir),
  '--latency',
  'model:cortex-m7',
];
