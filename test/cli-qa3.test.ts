/**
 * Regression tests from the third QA pass (latency --allow-missing, prune --seed, search --sample,
 * open-search Ctrl-C and --json, fit: with a 0 ms row, worker --space, data import --quiet): bad input
 * ends in one line with a hint and exit code 2, and nothing is written.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getSpace } from '../src/space/all.js';
import { runCli } from './helpers/cli.js';

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-qa3-'));
});

/** A user error: exit 2, one stderr line starting with 'hwnas: ', no stack trace, nothing on stdout. */
function expectUserError(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trim()).toMatch(pattern);
}

describe('hwnas latency --allow-missing (partial table: source)', () => {
  const nb201 = getSpace('nb201');
  const table = () => {
    const path = file('part.csv');
    if (!existsSync(path)) writeFileSync(path, 'index,ms\n0,1.5\n5,2.25\n');
    return `table:${path}#ms`;
  };
  it('without the flag: one line that names --allow-missing, no --out written', () => {
    const r = runCli(['latency', 'nb201', '--latency', table(), '--arch', '0', '--out', file('never.csv')]);
    expectUserError(r, /^hwnas: table part\.csv: 15623 of 15625 architectures have no row .*--allow-missing/);
    expect(existsSync(file('never.csv'))).toBe(false);
  });
  it('--arch of a covered architecture prints its latency', () => {
    const r = runCli(['latency', 'nb201', '--latency', table(), '--arch', '5', '--allow-missing']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`index,arch,ms\n5,${nb201.format(5)},2.25\n`);
    expect(r.stderr).toBe('');
  });
  it('--arch of a missing architecture: empty ms in CSV (count on stderr), null in --json with "missing"', () => {
    const args = ['latency', 'nb201', '--latency', table(), '--arch', '0', '--arch', '3', '--allow-missing'];
    const csv = runCli(args);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toBe(`index,arch,ms\n0,${nb201.format(0)},1.5\n3,${nb201.format(3)},\n`);
    expect(csv.stderr).toBe(`1 architecture has no latency in ${table()} (empty ms)\n`);
    const json = JSON.parse(runCli([...args, '--json']).stdout);
    expect(json.missing).toBe(1);
    expect(json.rows).toEqual([
      { index: 0, arch: nb201.format(0), ms: 1.5 },
      { index: 3, arch: nb201.format(3), ms: null },
    ]);
  });
  it('--all leaves the missing ones out: the CSV is a table: of the covered subset', () => {
    const out = file('covered.csv');
    const r = runCli(['latency', 'nb201', '--latency', table(), '--all', '--allow-missing', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`index,arch,ms\n0,${nb201.format(0)},1.5\n5,${nb201.format(5)},2.25\n`);
    expect(r.stderr).toContain('15623 architectures have no latency');
    const back = runCli(['latency', 'nb201', '--latency', `table:${out}#ms`, '--arch', '5', '--allow-missing']);
    expect(back.stdout).toBe(`index,arch,ms\n5,${nb201.format(5)},2.25\n`);
    const json = JSON.parse(
      runCli(['latency', 'nb201', '--latency', table(), '--all', '--allow-missing', '--json']).stdout,
    );
    expect(json.missing).toBe(15623);
    expect(json.rows).toHaveLength(2);
  });
  it('a complete source prints the same JSON as before (no "missing" key without the flag)', () => {
    const r = runCli(['latency', 'nb201', '--latency', 'model:cortex-m7', '--arch', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['space', 'source', 'unit', 'notes', 'rows']);
  });
});

describe('hwnas prune --seed', () => {
  it('refused with a non-random metric (it would be ignored)', () => {
    const r = runCli(['prune', 'nb201', '--latency', 'model:cortex-m7', '--ratio', '0.5', '--seed', '3']);
    expectUserError(
      r,
      /^hwnas: --seed only applies to the random metric, not 'params\/latency' \(drop --seed .* or use --metric random\)$/,
    );
  });
  it('accepted with --metric random; the default seed 0 equals an explicit --seed 0', () => {
    const base = ['prune', 'nb201', '--ratio', '0.5', '--metric', 'random', '--json'];
    const implicit = runCli(base);
    const explicit = runCli([...base, '--seed', '0']);
    expect(implicit.code, implicit.stderr).toBe(0);
    expect(explicit.stdout).toBe(implicit.stdout);
    expect(JSON.parse(implicit.stdout).seed).toBe(0);
    expect(runCli([...base, '--seed', '7']).stdout).not.toBe(implicit.stdout);
  });
  it('without --seed a deterministic metric still runs', () => {
    const r = runCli(['prune', 'nb201', '--latency', 'model:cortex-m7', '--ratio', '0.5', '--metric', 'params']);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('hwnas search --sample', () => {
  const base = ['search', '--space', 'nb201', '--accuracy', 'nb201:cifar10', '--latency', 'model:cortex-m7'];
  it('larger than the population: refused with the message of hwnas reproduce, no --out written', () => {
    const out = file('run.json');
    const r = runCli([...base, '--population', '10', '--sample', '11', '--evals', '100', '--out', out]);
    expectUserError(r, /^hwnas: --sample \(11\) must be between 1 and the population \(10\)$/);
    expect(existsSync(out)).toBe(false);
    const study = runCli(['reproduce', '--population', '10', '--sample', '11', '--out', file('study')]);
    expect(study.stderr).toBe(r.stderr);
  });
});
