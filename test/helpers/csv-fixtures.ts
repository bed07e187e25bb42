/**
 * The small CSV files the front, metrics, prune and output-file tests read (fronts with named and swapped
 * columns, a header-only table, a file where a folder is expected), in a temp folder made before the
 * enclosing describe's tests and removed after them. Returns the path of a file in that folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

const FILES: [string, string][] = [
  ['Z.csv', 'f1,f2\n1,0\n0,10\n'],
  ['Zrev.csv', 'f2,f1\n0,1\n10,0\n'], // the same front, columns swapped
  ['A.csv', 'f1,f2\n2,5\n'],
  ['A13.csv', 'f1,f3\n2,5\n'],
  ['front.csv', 'index,arch,accuracy,latency\n1,x,90,2\n'],
  ['file', 'not a folder\n'],
  ['header-only.csv', 'arch,ms\n'],
  ['acc.csv', 'arch,top1\n0,1.5\n'],
];

export function csvFixtures(): (name: string) => string {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
    for (const [name, text] of FILES) writeFileSync(join(dir, name), text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name) => join(dir, name);
}
