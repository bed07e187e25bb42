import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isHwnasError } from '../../src/errors.js';
import { enumerateRuns } from '../../src/study/cells.js';
import {
  buildConfig,
  configHash,
  defaultConfig,
  parsePruning,
  parseSeeds,
  pruningLabel,
  readConfigFile,
} from '../../src/study/config.js';
import { runCli } from '../helpers/cli.js';
import { expectUserError } from '../helpers/errors.js';

const names = ['re', 'random', 'nsga2', 'ls'];

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isHwnasError(e)) return e.line();
    throw e;
  }
  throw new Error('expected a user error');
}

describe('study config', () => {
  it("defaults to the poster's study on NB201", () => {
    const c = buildConfig({}, names);
    expect(c.space).toBe('nb201');
    expect(c.accuracy).toBe('nb201:cifar100');
    expect(c.devices).toEqual(['model:cortex-m7', 'model:cortex-a76', 'model:adreno-640']);
    // the poster's settings, and the best adaptive setting of bench/pruning-adaptive.bench.ts
    expect(c.pruning).toEqual([
      'none',
      'params/latency@0.5',
      'params/latency@0.7',
      'params/latency@0.9',
      'random@0.7',
      'adaptive:latency@0.2:stall=5,step=all',
    ]);
    expect(c.strategies).toEqual(['re']);
    expect(c.seeds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(c.evals).toBe(3000);
    expect(c.checkpoints).toEqual([10, 100, 250, 500, 1000, 2000, 3000]);
    expect(enumerateRuns(c)).toHaveLength(180);
  });

  it('parses pruning settings, seeds and lists', () => {
    expect(parsePruning('none')).toEqual({ spec: 'none', metric: null, ratio: 0, adaptive: null });
    expect(parsePruning('params/latency@70%').spec).toBe('params/latency@0.7');
    expect(parsePruning('random@0.29').ratio).toBe(0.29);
    expect(pruningLabel('params/latency@0.9')).toBe('params/latency 90%');
    expect(pruningLabel('none')).toBe('0%');
    expect(parseSeeds('3')).toEqual([0, 1, 2]);
    expect(parseSeeds('5-7')).toEqual([5, 6, 7]);
    expect(parseSeeds('1,9')).toEqual([1, 9]);
    const c = buildConfig(
      { devices: 'help:pixel3, table:m7.csv#ms', pruning: 'none,macs/latency@50%', seeds: '2' },
      names,
    );
    expect(c.devices).toEqual(['help:pixel3', 'table:m7.csv#ms']);
    expect(c.pruning).toEqual(['none', 'macs/latency@0.5']);
  });

  it('lets default checkpoints follow a smaller budget, but not explicit ones', () => {
    expect(buildConfig({ evals: '600' }, names).checkpoints).toEqual([10, 100, 250, 500, 600]);
    expect(errorOf(() => buildConfig({ evals: '600', checkpoints: '10,1000' }, names))).toMatch(/beyond the budget/);
  });

  it('refuses bad input with one line', () => {
    expect(errorOf(() => buildConfig({ evals: '50' }, names))).toMatch(/smaller than the population \(100\)/);
    expect(errorOf(() => buildConfig({ strategies: 're,sa' }, names))).toMatch(/unknown strategy 'sa'/);
    expect(errorOf(() => buildConfig({ pruning: 'params/latency@1.2' }, names))).toMatch(/bad pruning ratio/);
    expect(errorOf(() => buildConfig({ pruning: 'half' }, names))).toMatch(/bad pruning setting/);
    expect(errorOf(() => buildConfig({ seeds: 'x' }, names))).toMatch(/bad --seeds/);
    expect(errorOf(() => buildConfig({ space: 'blox' }, names))).toMatch(/--blox-data/);
    expect(errorOf(() => buildConfig({ devices: 'model:a,model:a' }, names))).toMatch(/twice/);
    expect(errorOf(() => buildConfig({ config: '/nonexistent/study.json' }, names))).toMatch(
      /cannot read study config/,
    );
  });

  it('a config file with a quoted or fractional number says what it got and how to write it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwnas-config-'));
    const file = join(dir, 'study.json');
    writeFileSync(file, JSON.stringify({ evals: '3000' }));
    expect(errorOf(() => readConfigFile(file))).toBe(
      `'evals' in study config '${file}' must be a positive integer, got "3000" (write a whole number >= 1 without quotes, e.g. "evals": 3000)`,
    );
    writeFileSync(file, JSON.stringify({ seeds: [0, 1.5] }));
    expect(errorOf(() => readConfigFile(file))).toMatch(
      /'seeds' .* non-negative integers, got \[0,1\.5\] \(e\.g\. "seeds": \[0, 1, 2\]\)$/,
    );
  });

  it('uses blox:test_top1 for the BLOX study', () => {
    const c = buildConfig({ space: 'blox', bloxData: '/data/blox' }, names);
    expect(c.accuracy).toBe('blox:test_top1');
    expect(c.bloxData).toBe('/data/blox');
  });

  it('hashes what determines the results only', () => {
    const a = defaultConfig();
    const b = { ...defaultConfig(), seeds: [0, 1] };
    expect(configHash(a)).not.toBe(configHash(b));
    expect(configHash(a)).toBe(configHash(defaultConfig()));
  });

  it('derives run seeds from stable keys, not positions', () => {
    const a = enumerateRuns({ ...defaultConfig(), devices: ['model:x', 'model:y'] });
    const b = enumerateRuns({ ...defaultConfig(), devices: ['model:y'] });
    const ya = a.filter((r) => r.key.startsWith('model:y|'));
    expect(ya.map((r) => r.runSeed)).toEqual(b.map((r) => r.runSeed));
    expect(new Set(a.map((r) => r.runSeed)).size).toBe(a.length);
  });
});

describe('study config numbers beyond a double', () => {
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('say Infinity (what JSON.parse made of 1e400), not null, for every numeric key', () => {
    const cases: [string, RegExp][] = [
      ['{"evals": 1e400}', /'evals' .* must be a positive integer, got Infinity \(/],
      ['{"population": -1e400}', /'population' .* must be a positive integer, got -Infinity \(/],
      ['{"sample": 1e400}', /'sample' .* got Infinity \(/],
      ['{"seeds": [0, 1e400]}', /'seeds' .* must be a list of non-negative integers, got \[0,Infinity\] \(/],
      ['{"checkpoints": [10, 1e999]}', /'checkpoints' .* got \[10,Infinity\] \(/],
      ['{"frontsAt": [-1e400]}', /'frontsAt' .* got \[-Infinity\] \(/],
    ];
    for (const [json, pattern] of cases) {
      const r = runCli(['reproduce', '--config', file('huge.json', json), '--out', join(dir, 'never')]);
      expectUserError(r, pattern);
      expect(r.stderr).not.toMatch(/null/);
    }
  });
});
