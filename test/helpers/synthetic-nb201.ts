/**
 * A synthetic NAS-Bench-201 benchmark (15,625 architectures) written by test code: latency additive over
 * the six edges' ops, accuracy = op bonus + deterministic jitter. Nothing from the real benchmark.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mixedRadixDecode } from '../../src/space/types.js';

const opLatency = [0.01, 0.2, 1.0, 0.6, 0.3];
const opAccuracy = [-8, 1, 4, 3, 0.5];

/**
 * Writes `nb.csv` (index,acc,lat of every architecture) and `holes.csv` (the same without the last one)
 * into `dir`; returns the table: sources of its accuracy and latency columns.
 */
export function writeSyntheticNb201(dir: string): { acc: string; lat: string } {
  const lines = ['index,acc,lat'];
  const holes = ['index,acc,lat'];
  for (let i = 0; i < 15625; i++) {
    const codes = mixedRadixDecode(i, [5, 5, 5, 5, 5, 5]);
    let l = 0.5;
    let a = 50 + ((i * 7919) % 101) / 100;
    codes.forEach((c, d) => {
      l += opLatency[c]! * (1 + d / 10);
      a += opAccuracy[c]!;
    });
    lines.push(`${i},${a.toFixed(4)},${l.toFixed(6)}`);
    if (i !== 15624) holes.push(`${i},${a.toFixed(4)},${l.toFixed(6)}`);
  }
  writeFileSync(join(dir, 'nb.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'holes.csv'), `${holes.join('\n')}\n`);
  return { acc: `table:${join(dir, 'nb.csv')}#acc`, lat: `table:${join(dir, 'nb.csv')}#lat` };
}
