/**
 * `hwnas search` and `hwnas front` with `--constraint` and `--allow-missing`, on a measured table (accuracy
 * and latency) written by this test that covers two thirds of NB201.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paretoFrontIndices } from '../../src/pareto/index.js';
import { feasibleMask, parseConstraints } from '../../src/problem/constraints.js';
import { getSpace } from '../../src/space/all.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-search-constraints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const n = 15625;
const acc = new Float64Array(n).fill(Number.NaN);
const ms = new Float64Array(n).fill(Number.NaN);
const file = join(dir, 'measured.csv');
{
  const lines = ['index,acc,ms'];
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) continue;
    acc[i] = 50 + ((i * 53) % 211) / 10;
    ms[i] = 1 + ((i * 37) % 101) / 10;
    lines.push(`${i},${acc[i]},${ms[i]}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}
const sources = ['--space', 'nb201', '--accuracy', `table:${file}#acc`, '--latency', `table:${file}#ms`];

function feasible(): Uint8Array {
  const params = feasibleMask(getSpace('nb201'), parseConstraints(['params<=1M'])).mask;
  return Uint8Array.from({ length: n }, (_, i) => (params[i] === 1 && ms[i]! <= 6 && Number.isFinite(acc[i]!) ? 1 : 0));
}

function subsetFront(mask: Uint8Array): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (mask[i]) rows.push(i);
  const pts = Float64Array.from(rows.flatMap((i) => [ms[i]!, -acc[i]!]));
  return Array.from(paretoFrontIndices(pts, 2), (k) => rows[k]!);
}

describe('hwnas search with constraints', () => {
  it('refuses a partial table without --allow-missing', () => {
    const r = runCli(['search', ...sources, '--evals', '200']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/5209 of the 15625 architectures searched have no finite/);
    expect(r.stderr).toMatch(/--allow-missing/);
  });

  it('searches only feasible covered architectures; the true front is over them', () => {
    const args = ['search', ...sources, '--evals', '300', '--seed', '3', '--allow-missing'];
    const r = runCli([...args, '--constraint', 'params<=1M', '--constraint', 'latency<=6', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      constraints: string[];
      feasible: { space: number; searched: number; infeasibleAsks: number };
      trueFront: { size: number; rows: number };
      archs: number[];
      asks: number;
    };
    const mask = feasible();
    const count = mask.reduce((s, v) => s + v, 0);
    expect(j.constraints).toEqual(['params<=1000000', 'latency<=6']);
    expect(j.feasible.space).toBe(count);
    expect(j.feasible.searched).toBe(count);
    expect(j.trueFront).toEqual({ size: subsetFront(mask).length, rows: count });
    expect(j.archs).toHaveLength(300);
    for (const a of j.archs) expect(mask[a]).toBe(1);
    expect(j.asks).toBe(300 + j.feasible.infeasibleAsks);
    const text = runCli([...args, '--constraint', 'params<=1M', '--constraint', 'latency<=6']);
    expect(text.stdout).toContain(`feasible (covered and params<=1000000 latency<=6): ${count} of 15625 architectures`);
  });

  it('a bad constraint: one line, exit 2', () => {
    const r = runCli(['search', ...sources, '--constraint', 'peak<=1M@int3']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad --constraint 'peak<=1M@int3': unknown precision/);
  });
});

describe('hwnas front with constraints', () => {
  it('is the exact front of the feasible covered architectures', () => {
    const r = runCli([
      'front',
      ...sources,
      '--allow-missing',
      '--constraint',
      'params<=1M',
      '--constraint',
      'latency<=6',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { covered: number; feasible: number; front: { index: number }[] };
    const mask = feasible();
    expect(j.covered).toBe(n - 5209);
    expect(j.feasible).toBe(mask.reduce((s, v) => s + v, 0));
    expect(j.front.map((row) => row.index)).toEqual(subsetFront(mask));
    const csv = runCli([
      'front',
      ...sources,
      '--allow-missing',
      '--constraint',
      'params<=1M',
      '--constraint',
      'latency<=6',
    ]);
    expect(csv.stdout.split('\n')[0]).toBe('index,arch,accuracy,latency');
    expect(csv.stderr).toMatch(
      /^front over \d+ feasible of 15625 architectures \(10416 covered; params<=1000000 latency<=6\)/,
    );
  });

  it('without --allow-missing a partial table is an error', () => {
    const r = runCli(['front', ...sources]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--allow-missing/);
  });
});
