/**
 * Tables that cover part of NAS-Bench-201, for --allow-missing and coverage tests: part.csv (latency of
 * 30 architectures, every 500th index), part-acc.csv (their accuracy) and full.csv (every architecture,
 * the same latency formula).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NB201_SIZE = 15_625;
/** The 30 architectures part.csv covers: every 500th index. */
export const partIndices = Array.from({ length: 30 }, (_, k) => 500 * k);
export const partMs = (i: number) => 1 + (i % 97) / 4;

/** Write the three tables into `dir`; their paths. */
export function writePartialTables(dir: string): { part: string; partAcc: string; full: string } {
  const part = join(dir, 'part.csv');
  writeFileSync(part, `index,ms\n${partIndices.map((i) => `${i},${partMs(i)}`).join('\n')}\n`);
  const partAcc = join(dir, 'part-acc.csv');
  writeFileSync(partAcc, `index,top1\n${partIndices.map((i) => `${i},${50 + (i % 13)}`).join('\n')}\n`);
  const full = join(dir, 'full.csv');
  const all = Array.from({ length: NB201_SIZE }, (_, i) => `${i},${partMs(i)}`);
  writeFileSync(full, `index,ms\n${all.join('\n')}\n`);
  return { part, partAcc, full };
}
