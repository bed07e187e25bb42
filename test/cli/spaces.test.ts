import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const POSTER_CELL = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';

function json(args: string[]) {
  const r = runCli(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('hwnas spaces / space info', () => {
  it('lists the built-in spaces', () => {
    const rows = json(['spaces', '--json']);
    expect(rows.find((r: { name: string }) => r.name === 'nb201')).toMatchObject({
      size: 15_625,
      decisions: 6,
      defaultClasses: 100,
    });
  });

  it('space info: decisions, choices, size and unique blocks', () => {
    const info = json(['space', 'info', 'nb201', '--json']);
    expect(Object.keys(info)).toEqual(['id', 'title', 'size', 'defaultClasses', 'decisions']);
    expect(info.size).toBe(15_625);
    expect(info.decisions[5]).toEqual({
      name: 'edge3<-2',
      choices: ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'],
      uniqueBlocks: 5,
    });
    const macro = json(['space', 'info', 'examples/nas-bench-macro.json', '--json']);
    expect(macro).toMatchObject({ id: 'nas-bench-macro', size: 6561, defaultClasses: 10, additive: true });
    expect(macro.decisions.map((d: { uniqueBlocks: number }) => d.uniqueBlocks)).toEqual(Array(8).fill(3));
  });
});

describe('hwnas arch', () => {
  it('reports the smallest NB201 network: 73,306 params and 7,783,040 MACs with 10 classes', () => {
    const r = json(['arch', 'nb201', '0', '--classes', '10', '--json']);
    expect(Object.keys(r)).toEqual([
      'space',
      'index',
      'notations',
      'classes',
      'input',
      'params',
      'macs',
      'flops',
      'peakActivationBytes',
      'weightBytes',
      'layers',
    ]);
    expect(r.notations).toEqual({
      index: 0,
      cell: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
      codes: '0,0,0,0,0,0',
    });
    expect(r.params).toBe(73_306);
    expect(r.macs).toBe(7_783_040);
    expect(r.weightBytes).toEqual({ fp32: 4 * 73_306, int8: 73_306 });
    expect(r.peakActivationBytes.fp32).toBe(4 * r.peakActivationBytes.int8);
    const sum = (k: 'params' | 'macs') => r.layers.reduce((s: number, l: Record<string, number>) => s + l[k]!, 0);
    expect(sum('params')).toBe(r.params);
    expect(sum('macs')).toBe(r.macs);
    expect(r.layers[0]).toEqual({
      scope: 'stem/conv',
      op: 'conv2d',
      block: -1,
      shape: [16, 32, 32],
      params: 432,
      macs: 442_368,
    });
  });

  it('accepts cell strings and user spaces; prints a table', () => {
    const r = runCli(['arch', 'nb201', POSTER_CELL]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`cell: ${POSTER_CELL}`);
    expect(r.stdout).toMatch(/^scope +op +output +params +MACs +block$/m);
    expect(r.stdout).toContain('input 3x32x32, 100 classes');
    const m = json(['arch', 'examples/nas-bench-macro.json', '00000000', '--json']);
    expect(m.params).toBe(387_882);
    expect(m.notations.ops).toBe('id id id id id id id id');
  });

  it('every command has --help', () => {
    for (const args of [['spaces'], ['space', 'info'], ['arch']]) {
      const r = runCli([...args, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: hwnas /);
    }
  });
});

describe('bad input: one line on stderr, exit 2, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwnas-cli-spaces-'));
  const badField = join(dir, 'bad.json');
  writeFileSync(
    badField,
    JSON.stringify({
      name: 'bad',
      input: { channels: 3, resolution: 32 },
      classes: 10,
      layers: [
        { choices: [{ op: 'identity' }] },
        { choices: [{ op: 'identity' }, { op: 'mbconv', expand: 3, kernel: 4 }] },
      ],
    }),
  );
  const badJson = join(dir, 'broken.json');
  writeFileSync(badJson, '{"name": "x",');
  const cases: [string, string[], RegExp][] = [
    ['unknown space', ['arch', 'nb301', '0'], /^hwnas: unknown space 'nb301' \(use one of: .*nb201/],
    [
      'malformed cell string',
      ['arch', 'nb201', POSTER_CELL.replace('avg_pool_3x3', 'avg_pool_5x5')],
      /unknown op 'avg_pool_5x5'/,
    ],
    [
      'out-of-range index',
      ['arch', 'nb201', '15625'],
      /nb201 index 15625 is out of range \(use an integer in \[0, 15624\]\)/,
    ],
    [
      'bad field in a JSON space',
      ['space', 'info', badField],
      /layers\[1\]\.choices\[1\]\.kernel must be an odd integer >= 1, got 4/,
    ],
    ['invalid JSON', ['arch', badJson, '0'], /is not valid JSON/],
    ['missing space file', ['space', 'info', join(dir, 'none.json')], /cannot read space file .*none\.json: ENOENT/],
    [
      'bad --classes',
      ['arch', 'nb201', '0', '--classes', '0'],
      /--classes must be an integer in \[1, 1000000\], got '0'/,
    ],
  ];
  for (const [what, args, re] of cases) {
    it(what, () => {
      const r = runCli(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
