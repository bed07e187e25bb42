/**
 * Cross-device transfer for few-shot latency fits (src/hardware/transfer.ts) and the measurement plan
 * (src/hardware/fit-plan.ts): shapes and priors against hand-computed values, the fit under a prior, the
 * plan's properties, the `fit-plan` command, and on the real HELP tables (when the mirror is there) the
 * shipped prior file equal to a rebuild and the plan beating random choice, leave-one-device-out.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HELP_DEVICES } from '../../src/data/index.js';
import { FEATURES } from '../../src/hardware/cost.js';
import { devicesDir, getDevice } from '../../src/hardware/device.js';
import { applyCorrection, CORRECTION_SIZE, fitRows, selectFit, withDeadCode } from '../../src/hardware/fit.js';
import { planMeasurements } from '../../src/hardware/fit-plan.js';
import { kendallTau } from '../../src/hardware/kendall.js';
import {
  buildTransferPriorFile,
  cellTimes,
  informedFeatures,
  learnPriors,
  poolShapes,
  TRANSFER_PRIOR_FILE,
  tableShape,
} from '../../src/hardware/transfer.js';
import { resolveSource } from '../../src/objectives/all.js';
import { Rng } from '../../src/rng.js';
import { getSpace } from '../../src/space/all.js';
import { runCli } from '../helpers/cli.js';
import { MIRROR, NO_MIRROR_REASON } from '../helpers/data.js';
import { errorOf } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-transfer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Synthetic per-feature times: n cells, each feature uniform in [1, 8) from a seeded generator. */
function syntheticTimes(n = 40): Float64Array[] {
  const rng = new Rng(7);
  return Array.from({ length: n }, () => Float64Array.from({ length: FEATURES }, () => 1 + 7 * rng.nextFloat()));
}

describe('table shapes and pooled priors', () => {
  it('a table exactly w . t + c gives back w / s and c / mean, with no residual', () => {
    const t = syntheticTimes();
    const w = [2, 0.5, 1, 1, 3, 0.25, 1, 1, 0.5];
    const c = 4;
    const y = t.map((row) => row.reduce((a, v, j) => a + v * w[j]!, c));
    const { shape, residualScale } = tableShape(t, y);
    // s = median of y / sum(t) over the cells, ybar = mean of y (fit.ts correctionScales).
    const ratios = t.map((row, i) => y[i]! / row.reduce((a, b) => a + b, 0)).sort((a, b) => a - b);
    const s = ratios[20]!;
    const ybar = y.reduce((a, b) => a + b, 0) / y.length;
    for (let j = 0; j < FEATURES; j++) expect(shape[j]).toBeCloseTo(w[j]! / s, 8);
    expect(shape[FEATURES]).toBeCloseTo(c / ybar, 8);
    expect(residualScale).toBeLessThan(1e-9);
  });

  it('pools by median, spread by MAD (floored), scaled by half the median Laplace noise', () => {
    const shape = (v: number) => Float64Array.from({ length: CORRECTION_SIZE }, () => v);
    const shapes = [
      { shape: shape(1), residualScale: 0.1 },
      { shape: shape(2), residualScale: 0.2 },
      { shape: shape(4), residualScale: 0.3 },
    ];
    const informed = Array.from({ length: FEATURES }, (_, j) => j !== 2);
    const p = poolShapes(shapes, informed);
    // median 2; |deviations| 1, 0, 2 -> MAD 1 -> spread 1.4826; noise = median(0.1, 0.2, 0.3) / 2 = 0.1.
    expect(p.mean[0]).toBe(2);
    expect(p.precision[0]).toBeCloseTo(0.1 / 1.4826 ** 2, 12);
    expect(p.mean[FEATURES]).toBe(2);
    // An uninformed feature keeps the model's value (1) with spread 1.
    expect(p.mean[2]).toBe(1);
    expect(p.precision[2]).toBeCloseTo(0.1, 12);
    // Identical devices: the spread floor (0.05) bounds the precision.
    const same = poolShapes([shapes[0]!, shapes[0]!], informed);
    expect(same.precision[0]).toBeCloseTo(0.05 / 0.05 ** 2, 9);
  });

  it('a feature no cell exercises is uninformed', () => {
    const t = syntheticTimes().map((row) => {
      const r = Float64Array.from(row);
      r[2] = 0;
      return r;
    });
    const inf = informedFeatures(t);
    expect(inf[2]).toBe(false);
    expect(inf.filter(Boolean)).toHaveLength(FEATURES - 1);
  });

  it("a firm prior that is the device's shape: 3 measured rows rank every cell exactly", () => {
    const t = syntheticTimes();
    const w = [2, 0.5, 1, 1, 3, 0.25, 1, 1, 0.5];
    const y = t.map((row) => row.reduce((a, v, j) => a + v * w[j]!, 0));
    const truth = tableShape(t, y);
    const prior = { mean: truth.shape, precision: new Float64Array(CORRECTION_SIZE).fill(1e6) };
    const rows = [0, 7, 13];
    const m = fitRows(
      rows.map((i) => t[i]!),
      rows.map((i) => y[i]!),
      prior,
    );
    // The shape is relative to each table's own median ratio, so 3 rows set the scale: predictions are
    // the truth times one constant.
    const ratio = applyCorrection(m, t[0]!) / y[0]!;
    for (let i = 0; i < t.length; i++) expect(applyCorrection(m, t[i]!) / y[i]! / ratio).toBeCloseTo(1, 4);
  });

  it('fewer than 3 measured rows are refused', () => {
    const t = syntheticTimes(2);
    expect(errorOf(() => fitRows(t, [1, 2])).message).toMatch(/at least 3 measured architectures, got 2/);
  });
});

describe('measurement plan', () => {
  const space = getSpace('nb201');
  const a76 = getDevice('cortex-a76');

  it('picks K distinct architectures, deterministically; a longer plan extends a shorter one', () => {
    const p20 = planMeasurements(space, a76, 20);
    expect(new Set(p20).size).toBe(20);
    for (const i of p20) expect(i >= 0 && i < space.size).toBe(true);
    expect(planMeasurements(space, a76, 20)).toEqual(p20);
    expect(planMeasurements(space, a76, 8)).toEqual(p20.slice(0, 8));
  });

  it('spans the kernel mixes: its first picks are cells of one op (skip, pool, 1x1 conv)', () => {
    const first = planMeasurements(space, a76, 3).map((i) => new Set(space.decode(i)).size);
    expect(first).toEqual([1, 1, 1]);
  });

  it('bad K is one line', () => {
    expect(errorOf(() => planMeasurements(space, a76, 2)).message).toMatch(/--k must be an integer >= 3/);
    expect(errorOf(() => planMeasurements(space, a76, space.size + 1)).message).toMatch(/larger than the space/);
  });
});

describe('hwnas fit-plan', () => {
  it('writes a CSV to fill in that fit: reads back once filled', () => {
    const out = join(dir, 'plan.csv');
    const r = runCli(['fit-plan', 'nb201', '--k', '6', '--latency', 'model:cortex-a76', '--out', out]);
    expect(r.stderr).toMatch(/wrote 6 architectures/);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('index,arch,ms');
    expect(lines).toHaveLength(7);
    // Filled with a device 3x the model, the fit: source takes it.
    const filled = [lines[0], ...lines.slice(1).map((l, k) => `${l}${3 + k}`)].join('\n');
    writeFileSync(out, `${filled}\n`);
    const lat = runCli(['latency', 'nb201', '--latency', `fit:${out}#ms@cortex-a76`, '--arch', '0', '--json']);
    expect(lat.code).toBe(0);
    expect(JSON.parse(lat.stdout).notes.join(' ')).toMatch(/6 measured architectures correct model:cortex-a76/);
  });

  it('refuses a source that is not a device model, a bad K, an unwritable --out', () => {
    const base = ['fit-plan', 'nb201', '--latency', 'model:cortex-a76'];
    for (const [args, msg] of [
      [['fit-plan', 'nb201', '--k', '5', '--latency', 'help:pixel3'], /needs a device model/],
      [[...base, '--k', '1'], /--k must be an integer >= 3/],
      [[...base, '--k', 'x'], /--k must be an integer/],
      [[...base, '--k', '99999'], /larger than the space/],
      [[...base, '--k', '5', '--out', join(dir, 'no/such/plan.csv')], /does not exist/],
    ] as const) {
      const r = runCli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('fit: with 2 measured rows, or one architecture twice, is refused', () => {
    const two = join(dir, 'two.csv');
    writeFileSync(two, 'index,ms\n1,2.5\n2,3.5\n');
    const r = runCli(['latency', 'nb201', '--latency', `fit:${two}#ms`, '--arch', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at least 3 measured architectures, got 2/);
    const dup = join(dir, 'dup.csv');
    writeFileSync(dup, 'index,ms\n1,2.5\n2,3.5\n1,2.6\n');
    const d = runCli(['latency', 'nb201', '--latency', `fit:${dup}#ms`, '--arch', '0']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/architecture 1 already given/);
  });
});

describe.skipIf(!MIRROR)(`on the real HELP tables${MIRROR ? '' : ` (${NO_MIRROR_REASON})`}`, async () => {
  const space = getSpace('nb201');
  const tables = new Map<string, Float64Array>();
  if (MIRROR)
    for (const h of HELP_DEVICES) tables.set(h, (await resolveSource(`help:${h}`, { space, quiet: true })).values);

  it('the shipped prior file is what the build script makes from the fetched tables', () => {
    const shipped = JSON.parse(readFileSync(join(devicesDir(), TRANSFER_PRIOR_FILE), 'utf8'));
    const specs = ['cortex-a76', 'adreno-640'];
    const rebuilt = buildTransferPriorFile(
      space,
      HELP_DEVICES.map((name) => ({ name, values: tables.get(name)! })),
      shipped.about,
      specs,
    );
    expect(shipped.about.tables).toEqual([...HELP_DEVICES]);
    for (const key of specs) expect(rebuilt.priors[key]).toEqual(shipped.priors[key]);
  });

  it('leave-one-device-out, K = 10: plan + transfer beats random cells with the model-shape fit on 4 tables', () => {
    const base = getDevice('cortex-a76');
    const sems = [base, withDeadCode(base, !base.file.fusion.deadCode)];
    const times = sems.map((d) => cellTimes(space, d));
    const plan = planMeasurements(space, base, 10);
    const tauOf = (cells: number[], measured: Float64Array, priors?: ReturnType<typeof learnPriors>) => {
      const pri = sems.map((d) => priors?.[d.file.fusion.deadCode ? 'pruned' : 'eager']);
      const { index, model } = selectFit(
        times.map((t) => cells.map((i) => t[i]!)),
        cells.map((i) => measured[i]!),
        pri,
      );
      return kendallTau(
        Float64Array.from(times[index]!, (t) => applyCorrection(model, t)),
        measured,
      );
    };
    let planned = 0;
    let random = 0;
    const held = ['pixel3', 'gold_6240', 'samsung_s7', 'essential_ph_1'];
    for (const h of held) {
      const measured = tables.get(h)!;
      const priors = learnPriors(
        space,
        base,
        HELP_DEVICES.filter((d) => d !== h).map((d) => tables.get(d)!),
      );
      planned += tauOf(plan, measured, priors);
      for (let r = 0; r < 3; r++) {
        const rng = new Rng(1000 + r);
        const cells = new Set<number>();
        while (cells.size < 10) cells.add(rng.nextInt(space.size));
        random += tauOf([...cells], measured) / 3;
      }
    }
    expect(planned / held.length).toBeGreaterThan(random / held.length + 0.02);
  }, 240_000);
});
