/** `hwnas metrics`: golden indicator values through the CLI, and bad input (exit 2, one line). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HwnasError } from '../../src/errors.js';
import { computeMetric } from '../../src/pareto/indicator.js';
import { runCli } from '../helpers/cli.js';
import { csvFixtures } from '../helpers/csv-fixtures.js';
import { errorOf, expectUserError } from '../helpers/errors.js';

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-metrics-'));
  writeFileSync(file('Z.csv'), 'err,lat\n1,0\n0,10\n');
  writeFileSync(file('A.csv'), 'err,lat\n2,5\n');
  writeFileSync(file('S.csv'), 'err,lat\n2,5\n3,9\n');
  writeFileSync(file('H.csv'), 'f1,f2\n6,6.5\n5,7\n4,6.5\n3,7.5\n2,7.5\n');
  // The front of `hwnas front`: accuracy (maximised) and latency columns, plus non-numeric columns.
  writeFileSync(file('F.csv'), 'index,arch,accuracy,latency\n7,"[1,2]",-1,1\n9,"[0,3]",-0,0\n');
  writeFileSync(file('nan.csv'), 'err,lat\n2,5\n3,abc\n');
  writeFileSync(file('three.csv'), 'a,b,c\n1,2,3\n');
  writeFileSync(file('empty.csv'), 'err,lat\n');
});

const metric = (args: Record<string, string | boolean>) =>
  computeMetric({ p: '2', indicator: 'gd', points: '', ...args });

describe('hwnas metrics', () => {
  it('prints each indicator as the last token (golden values of prior-art.md 2.1, 2.2)', () => {
    const r = runCli(['metrics', '--points', file('S.csv'), '--front', file('Z.csv'), '--indicator', 'gd']);
    expect(r.code).toBe(0);
    expect(Number(r.stdout.trim().split(/\s+/).pop())).toBe(3);
    const h = runCli(['metrics', '--points', file('H.csv'), '--indicator', 'hv', '--ref', '7,8.5']);
    expect(h.stdout).toBe('hv 8\n');
  });
  it('computes every indicator in process', () => {
    const S = { points: file('S.csv'), front: file('Z.csv') };
    const A = { points: file('A.csv'), front: file('Z.csv') };
    expect(metric({ ...S, indicator: 'gd' }).value).toBeCloseTo(3, 12);
    expect(metric({ ...S, indicator: 'gd-mean' }).value).toBeCloseTo(4.1306, 4);
    expect(metric({ ...S, indicator: 'gd-power' }).value).toBeCloseTo(4.2426, 4);
    expect(metric({ ...S, indicator: 'gd-power', p: '1' }).value).toBeCloseTo(4.1306, 4);
    expect(metric({ ...A, indicator: 'gd+' }).value).toBeCloseTo(2, 12);
    expect(metric({ ...A, indicator: 'igd' }).value).toBeCloseTo(5.242, 3);
    expect(metric({ ...A, indicator: 'igd+' }).value).toBeCloseTo(3.55, 3);
  });
  it('hv: --ref in file units, normalised with the same transform; --normalize alone uses 1.1', () => {
    const H = { points: file('H.csv'), indicator: 'hv' };
    expect(metric({ ...H, ref: '7,8.5' }).value).toBe(8);
    // Bounds from the points' own front {(2,7.5),(4,6.5)}: ranges 2 and 1, so the area halves.
    const n = metric({ ...H, ref: '7,8.5', normalize: true });
    expect(n.value).toBe(4);
    expect(n.ref).toEqual([2.5, 2]);
    // ref 1.1 per normalised objective: only (2,7.5)->(0,1) and (4,6.5)->(1,0) sit on the box edge: 0.1*1.1 + 1.1*0.1 - 0.1*0.1.
    expect(metric({ ...H, normalize: true }).value).toBeCloseTo(0.21, 12);
    // Explicit bounds: HV with ref (10,10) is 8*2.5 + 6*1 = 26 in file units, /100 after scaling by 10 per axis.
    expect(metric({ ...H, ref: '10,10', ideal: '0,0', nadir: '10,10' }).value).toBeCloseTo(0.26, 12);
  });
  it('--columns picks and negates columns of a front written by hwnas front', () => {
    const r = metric({ points: file('F.csv'), front: file('F.csv'), indicator: 'igd+', columns: 'latency,-accuracy' });
    expect(r.value).toBe(0);
    expect(r.objectives).toEqual(['latency', '-accuracy']);
    const j = runCli([
      'metrics',
      '--points',
      file('F.csv'),
      '--indicator',
      'hv',
      '--columns',
      'latency,-accuracy',
      '--ref',
      '2,2',
      '--json',
    ]);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ indicator: 'hv', value: 4, points: 2, front: null });
  });
  it('bad input fails with one clear line and exit code 2', () => {
    const cases: [Record<string, string | boolean>, RegExp][] = [
      [{ points: file('nan.csv'), front: file('Z.csv') }, /row 3: column 'lat' is 'abc'/],
      [{ points: file('S.csv') }, /needs --front/],
      [{ points: file('S.csv'), front: file('three.csv') }, /three\.csv has no column 'err'/],
      [{ points: file('empty.csv'), front: file('Z.csv') }, /has no points/],
      [{ points: file('S.csv'), front: file('empty.csv') }, /has no points/],
      [{ points: file('missing.csv'), front: file('Z.csv') }, /cannot read .*ENOENT/],
      [{ points: file('S.csv'), front: file('Z.csv'), indicator: 'eps' }, /unknown indicator 'eps'/],
      [{ points: file('S.csv'), indicator: 'hv' }, /needs --ref/],
      [{ points: file('S.csv'), indicator: 'hv', ref: '1,x' }, /--ref must be comma-separated numbers/],
      [{ points: file('S.csv'), indicator: 'hv', ref: '1,2,3' }, /--ref has 3 values/],
      [{ points: file('S.csv'), front: file('Z.csv'), p: '0' }, /--p must be a positive number, got '0'/],
      [{ points: file('S.csv'), front: file('Z.csv'), ideal: '0,0' }, /--ideal and --nadir go together/],
      [{ points: file('S.csv'), front: file('Z.csv'), columns: 'err,size' }, /no column 'size'/],
    ];
    for (const [args, re] of cases) {
      let error: unknown;
      try {
        metric(args);
      } catch (e) {
        error = e;
      }
      expect(error, String(re)).toBeInstanceOf(HwnasError);
      expect((error as Error).message).toMatch(re);
    }
    const r = runCli(['metrics', '--points', file('nan.csv'), '--front', file('Z.csv'), '--indicator', 'gd']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^hwnas: .*nan\.csv row 3: column 'lat' is 'abc', not a finite number/);
  });
});

describe('metrics: front columns are matched by name', () => {
  const file = csvFixtures();

  const m = (args: Record<string, string>) => computeMetric({ p: '2', indicator: 'igd', points: '', ...args });
  it('a front with swapped columns gives the golden IGD 5.242 (issue 3), not a silent mix-up', () => {
    expect(m({ points: file('A.csv'), front: file('Z.csv') }).value).toBeCloseTo(5.242092, 6);
    expect(m({ points: file('A.csv'), front: file('Zrev.csv') }).value).toBeCloseTo(5.242092, 6);
  });
  it('different column names are an error', () => {
    expect(errorOf(() => m({ points: file('A13.csv'), front: file('Z.csv') })).message).toMatch(
      /Z\.csv has no column 'f3'/,
    );
  });
  it('a non-numeric column without --columns suggests --columns', () => {
    const e = errorOf(() => m({ points: file('front.csv'), front: file('front.csv') }));
    expect((e as { hint?: string }).hint).toBe(
      'every column is an objective unless --columns picks them, e.g. --columns -accuracy,latency',
    );
  });
});

describe('metrics --ideal/--nadir', () => {
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  const metric = (ideal: string, nadir: string) =>
    runCli([
      ...['metrics', '--points', file('p.csv', 'lat,err\n1,2\n2,1\n'), '--front', file('z.csv', 'lat,err\n1,1\n')],
      ...['--indicator', 'gd', '--ideal', ideal, '--nadir', nadir],
    ]);

  it('a zero range (nadir = ideal) is refused, naming the objective', () => {
    expectUserError(
      metric('0,0', '0,0'),
      /^hwnas: normalisation bounds of objective 'lat': ideal 0 = nadir 0 \(a zero range\)/,
    );
    expectUserError(metric('0,3', '1,3'), /^hwnas: normalisation bounds of objective 'err': ideal 3 = nadir 3/);
  });

  it('a nadir on the wrong side of its ideal is refused', () => {
    expectUserError(metric('0,0', '1,-1'), /^hwnas: normalisation bounds of objective 'err': ideal 0 > nadir -1 \(/);
  });

  it('proper bounds still give the value (by hand)', () => {
    const r = metric('0,0', '2,2');
    expect(r.code, r.stderr).toBe(0);
    // Normalised: points (0.5,1), (1,0.5); front (0.5,0.5); distances 0.5 each; GD (p=2) = sqrt(0.5)/2.
    expect(Number(r.stdout.trim().split(' ').pop())).toBeCloseTo(Math.sqrt(0.25 + 0.25) / 2, 12);
  });
});
