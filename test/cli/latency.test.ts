/** hwnas latency: --per-block lut files, --allow-missing, --out with --json, fit: tables with bad rows. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/hardware/sources.js';
import { additiveFixed } from '../../src/objectives/additive.js';
import { resolveSource } from '../../src/objectives/all.js';
import { getSpace } from '../../src/space/all.js';
import { runCli } from '../helpers/cli.js';
import { expectUserError } from '../helpers/errors.js';

describe('hwnas latency --per-block writes a complete lut: file', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('BLOX choice names that are all digits (00100) are read as names, not indices', () => {
    const space = getSpace('blox');
    const rows = ['decision,choice,ms', 'fixed,,1'];
    space.decisions.forEach((d, di) => {
      d.choices.forEach((c, ci) => {
        rows.push(`${d.name},${c},${di * 100 + ci}`);
      });
    });
    writeFileSync(file('names.csv'), `${rows.join('\n')}\n`);
    const { fixed, tables } = readLut(file('names.csv'), space);
    expect(fixed).toBe(1);
    // '00100' is choice 0 and '10100' choice 1 by name (as an index, '00100' would be 100: out of range)
    expect(space.decisions[0]!.choices.slice(0, 2)).toEqual(['00100', '10100']);
    expect(tables[0]![0]).toBe(0);
    expect(tables[2]![44]).toBe(244);
  });
  it('additiveFixed: BLOX on the M7 model is additive (fixed = total - blocks), NB201 is not', async () => {
    const blox = getSpace('blox');
    const m7 = await resolveSource('model:cortex-m7', { space: blox, quiet: true });
    const fixed = additiveFixed(blox, m7)!;
    for (const i of [0, 12345, 91124]) {
      const sum = blox.decode(i).reduce((a, c, d) => a + m7.blockValue!(d, c), fixed);
      expect(sum).toBeCloseTo(m7.values[i]!, 9);
    }
    const nb201 = getSpace('nb201');
    const nbM7 = await resolveSource('model:cortex-m7', { space: nb201, quiet: true });
    expect(additiveFixed(nb201, nbM7)).toBeUndefined();
  });
  it('through the CLI: --per-block --out, then lut: of it gives the model totals', () => {
    const w = runCli(['latency', 'blox', '--latency', 'model:cortex-m7', '--per-block', '--out', file('lut.csv')]);
    expect(w.code, w.stderr).toBe(0);
    expect(readFileSync(file('lut.csv'), 'utf8')).toMatch(/\nfixed,,[0-9.]+\n$/);
    const both = ['0', '12345', '91124'].flatMap((a) => ['--arch', a]);
    const viaLut = runCli(['latency', 'blox', '--latency', `lut:${file('lut.csv')}`, ...both]);
    const viaModel = runCli(['latency', 'blox', '--latency', 'model:cortex-m7', ...both]);
    expect(viaLut.code, viaLut.stderr).toBe(0);
    const ms = (t: string) =>
      t
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',').at(-1)));
    const a = ms(viaLut.stdout);
    const b = ms(viaModel.stdout);
    expect(a).toHaveLength(3);
    for (let k = 0; k < 3; k++) expect(Math.abs(a[k]! - b[k]!) / b[k]!).toBeLessThan(1e-4); // 6-digit rounding
  });
  it('refuses an accuracy passed as --latency (it would print accuracies as ms)', () => {
    const lines = Array.from({ length: 15625 }, (_, i) => `${i},${50 + (i % 40)}`);
    writeFileSync(file('acc.csv'), `index,top1\n${lines.join('\n')}\n`);
    const r = runCli(['latency', 'nb201', '--latency', `table:${file('acc.csv')}#top1`, '--arch', '0']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^hwnas: --latency table:.*#top1 is maximised, not a latency \(use e\.g\. .*\)\n$/);
  });
});

describe('hwnas latency --allow-missing (partial table: source)', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

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

describe('hwnas fit: with a 0 ms or negative measured row', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  const nb201 = getSpace('nb201');
  it('0 ms: one line naming the architecture and what is allowed', () => {
    writeFileSync(file('fit0.csv'), 'index,ms\n0,1.5\n5,0\n7,2\n');
    const r = runCli(['latency', 'nb201', '--latency', `fit:${file('fit0.csv')}#ms`, '--arch', '0']);
    expectUserError(r, /has a measured latency of 0 ms \(a fit: table holds .* each latency > 0 ms: re-measure it/);
    expect(r.stderr).toContain(`architecture 5 (${nb201.format(5)})`);
  });
  it('negative: the table names the line, the fit says what is allowed', () => {
    writeFileSync(file('fitneg.csv'), 'index,ms\n0,1.5\n5,-1\n7,2\n');
    const r = runCli(['latency', 'nb201', '--latency', `fit:${file('fitneg.csv')}#ms`, '--arch', '0']);
    expectUserError(
      r,
      /^hwnas: table fitneg\.csv:3: column 'ms': negative value -1 \(a fit: table holds one row per measured architecture, each latency > 0 ms\)$/,
    );
  });
});

describe('hwnas latency --out with --json', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('the file stays CSV (a table: or lut: file) and the JSON goes to stdout, as with hwnas front', () => {
    const out = file('one.csv');
    const r = runCli(['latency', 'nb201', '--latency', 'model:cortex-m7', '--arch', '5', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.rows).toHaveLength(1);
    expect(json.rows[0].index).toBe(5);
    const csv = readFileSync(out, 'utf8');
    expect(csv).toBe(`index,arch,ms\n5,${json.rows[0].arch},${json.rows[0].ms}\n`);
    expect(r.stderr).toBe(`wrote 1 row to ${out}\n`);
    // without --json: the same file, nothing on stdout
    const plain = runCli(['latency', 'nb201', '--latency', 'model:cortex-m7', '--arch', '5', '--out', file('two.csv')]);
    expect(plain.stdout).toBe('');
    expect(readFileSync(file('two.csv'), 'utf8')).toBe(csv);
  });
});
