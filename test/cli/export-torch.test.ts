/** hwnas export-torch: deterministic files, the JSON summary; bad input is one line, exit 2, nothing written. */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-export-torch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hwnas export-torch', () => {
  it('writes the same source and weights for the same seed; without -o it prints the source', () => {
    const [a, b] = [join(dir, 'a.py'), join(dir, 'b.py')];
    const r = runCli([
      'export-torch',
      'nb201',
      '11718',
      '-o',
      a,
      '--weights',
      join(dir, 'a.safetensors'),
      '--seed',
      '5',
      '--classes',
      '10',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ index: 11718, input: [-1, 3, 32, 32], output: [-1, 10], seed: 5 });
    expect(
      runCli([
        'export-torch',
        'nb201',
        '11718',
        '-o',
        b,
        '--weights',
        join(dir, 'b.safetensors'),
        '--seed',
        '5',
        '--classes',
        '10',
      ]).code,
    ).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    expect(readFileSync(join(dir, 'a.safetensors')).equals(readFileSync(join(dir, 'b.safetensors')))).toBe(true);
    const printed = runCli(['export-torch', 'nb201', '11718', '--classes', '10']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(readFileSync(a, 'utf8'));
    expect(printed.stdout).toMatch(/^class Net\(nn\.Module\):$/m);
  });

  it('bad input: one line, exit 2, nothing written', () => {
    const parentFile = join(dir, 'plain-file');
    writeFileSync(parentFile, 'x');
    const space = join(dir, 'space.json');
    copyFileSync('examples/fmnist-m7.json', space);
    const before = readFileSync(space, 'utf8');
    const out = join(dir, 'bad');
    const cases: [string[], RegExp][] = [
      [['export-torch', 'nb201', '|x|', '-o', `${out}.py`, '--weights', `${out}.pt`], /nb201|cell|arch/i],
      [['export-torch', space, '99999999', '-o', `${out}.py`], /99999999|outside|range/i],
      [['export-torch', 'nb201', '1', '-o', join(parentFile, 'net.py')], /not a folder/],
      [['export-torch', 'nb201', '1', '-o', `${out}.py`, '--weights', join(parentFile, 'net.pt')], /not a folder/],
      [['export-torch', 'nb201', '1', '-o', `${out}.py`, '--weights', `${out}.bin`], /unknown extension/],
      [['export-torch', 'nb201', '1', '-o', `${out}.py`, '--seed', 'abc'], /--seed/],
      [['export-torch', space, '1', '-o', space], /space\.json/],
    ];
    for (const [argv, message] of cases) {
      const e = runCli(argv);
      expect(e.code, argv.join(' ')).toBe(2);
      const lines = e.stderr.trim().split('\n');
      expect(lines, argv.join(' ')).toHaveLength(1);
      expect(lines[0], argv.join(' ')).toMatch(message);
    }
    expect(readFileSync(space, 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('bad'))).toEqual([]);
    expect(existsSync(join(parentFile, 'net.py'))).toBe(false);
  });
});
