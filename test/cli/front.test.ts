/** `hwnas front`: the exact front of a closed benchmark, checked against an independent computation. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { knownSources } from '../../src/objectives/all.js';
import type { ObjectiveColumn } from '../../src/objectives/types.js';
import { closedProblem, frontRows } from '../../src/problem/index.js';
import type { SearchSpace } from '../../src/space/types.js';
import { runCli } from '../helpers/cli.js';

const N = 15625; // NAS-Bench-201 space size
// Latency and accuracy with many ties in both and exact duplicates (index i and i + 5000 share both).
const lat = (i: number) => 1 + ((i % 5000) % 97) / 4;
const acc = (i: number) => 50 + (((i % 5000) * 7919) % 401) / 10;

/** Independent front: per latency level the best accuracy; a level counts if it beats every faster level. */
function expectedFront(): number[] {
  const best = new Map<number, number>();
  for (let i = 0; i < N; i++) best.set(lat(i), Math.max(best.get(lat(i)) ?? -1, acc(i)));
  const levels = [...best.keys()].sort((a, b) => a - b);
  const kept = new Set<string>();
  let bestSoFar = -1;
  for (const l of levels) {
    if (best.get(l)! > bestSoFar) {
      kept.add(`${l}/${best.get(l)}`);
      bestSoFar = best.get(l)!;
    }
  }
  const rows = [...Array(N).keys()].filter((i) => kept.has(`${lat(i)}/${acc(i)}`));
  return rows.sort((a, b) => lat(a) - lat(b) || acc(b) - acc(a) || a - b);
}

const column = (name: string, direction: 'min' | 'max', f: (i: number) => number): ObjectiveColumn => ({
  name,
  source: `fixture:${name}`,
  direction,
  unit: '',
  values: Float64Array.from({ length: N }, (_, i) => f(i)),
});

describe('exact front of a closed benchmark', () => {
  const space = { id: 'fixture', size: N, format: (i: number) => `arch${i}` } as unknown as SearchSpace;
  const exactFront = (accuracy: ObjectiveColumn, latency: ObjectiveColumn) =>
    frontRows(closedProblem(space, { accuracy, latency }, { latencyFirst: true, allowMissing: false }));
  it('matches an independent computation, duplicates included, sorted by latency', () => {
    const rows = exactFront(column('acc', 'max', acc), column('lat', 'min', lat));
    expect(rows.map((r) => r.index)).toEqual(expectedFront());
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.some((r) => rows.some((s) => s.index === r.index + 5000))).toBe(true);
    expect(rows[0]).toEqual({
      index: rows[0]!.index,
      arch: `arch${rows[0]!.index}`,
      accuracy: acc(rows[0]!.index),
      latency: 1,
    });
  });
  it('fails on missing values or a column of the wrong length', () => {
    const holes = column('acc', 'max', (i) => (i === 3 ? Number.NaN : acc(i)));
    expect(() => exactFront(holes, column('lat', 'min', lat))).toThrow(/no value for 1 of 15625/);
    const short = { ...column('lat', 'min', lat), values: new Float64Array(10) };
    expect(() => exactFront(column('acc', 'max', acc), short)).toThrow(/has 10 values but space 'fixture' has 15625/);
  });
});

describe('hwnas front (CLI, table: sources on the NB201 space)', () => {
  const hasTable = knownSources().some((s) => s.prefix === 'table');
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-front-'));
    const lines = ['index,top1,latency_ms'];
    for (let i = 0; i < N; i++) lines.push(`${i},${acc(i)},${lat(i)}`);
    writeFileSync(join(dir, 'bench.csv'), `${lines.join('\n')}\n`);
  });
  it.skipIf(!hasTable)('writes the front CSV that hwnas metrics reads back (igd+ of the front to itself is 0)', () => {
    const out = join(dir, 'front.csv');
    const table = join(dir, 'bench.csv');
    const r = runCli([
      'front',
      '--space',
      'nb201',
      '--accuracy',
      `table:${table}#top1`,
      '--latency',
      `table:${table}#latency_ms`,
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const expected = expectedFront();
    expect(r.stdout).toBe(`front of ${expected.length} architectures (of ${N}) written to ${out}\n`);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('index,arch,accuracy,latency');
    expect(csv.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(expected);
    expect(csv[1]).toMatch(/^\d+,\|.*\|,\d/); // NB201 cell string
    const m = runCli([
      'metrics',
      '--points',
      out,
      '--front',
      out,
      '--indicator',
      'igd+',
      '--columns',
      'latency,-accuracy',
    ]);
    expect(m.stdout).toBe('igd+ 0\n');
  });
  it('unknown space: exit 2, one line, no output file', () => {
    const out = join(dir, 'none.csv');
    const r = runCli([
      'front',
      '--space',
      'nope',
      '--accuracy',
      'table:x.csv#a',
      '--latency',
      'table:x.csv#b',
      '--out',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown space 'nope'/);
    expect(existsSync(out)).toBe(false);
  });
});
