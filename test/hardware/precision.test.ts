/**
 * Precision-aware device models: a precision option beside the CPUs' thread variants
 * (`cortex-a76@threads=4,precision=int8`), the adreno-640 int8 variant, canonical specs, refusal of a
 * precision a device lacks, the int8 constants against their documented derivation, and the calibrated
 * int8 figure reproduced.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HwnasError } from '../../src/errors.js';
import { CONSTANT_NAMES, devicePath, getDevice, loadDeviceFile, parseDeviceFile } from '../../src/hardware/device.js';
import { predictGraph } from '../../src/hardware/index.js';
import { loadTransferPrior, priorBaseSpecs, priorKey } from '../../src/hardware/transfer.js';
import { zooGraph } from '../../src/ir/zoo.js';
import { runCli } from '../helpers/cli.js';
import { errorOf, expectUserError } from '../helpers/errors.js';

const CPUS = ['cortex-a76', 'cortex-a75', 'cortex-a72'];

describe('precision option: specs', () => {
  it('canonical form: variant, then precision, then clock; defaults left out', () => {
    const canon = (s: string) => getDevice(s).spec;
    expect(canon('cortex-a76')).toBe('cortex-a76');
    expect(canon('cortex-a76@precision=fp32')).toBe('cortex-a76');
    expect(canon('cortex-a76@threads=1,precision=fp32')).toBe('cortex-a76');
    expect(canon('cortex-a76@precision=int8')).toBe('cortex-a76@precision=int8');
    expect(canon('cortex-a76@precision=int8,threads=4')).toBe('cortex-a76@threads=4,precision=int8');
    expect(canon('cortex-a76@clock=2000,precision=int8,threads=4')).toBe(
      'cortex-a76@threads=4,precision=int8,clock=2000',
    );
    expect(canon('cortex-a75@precision=int8')).toBe('cortex-a75@precision=int8');
    expect(canon('cortex-a75@threads=1,precision=int8')).toBe('cortex-a75@threads=1,precision=int8');
    expect(canon('adreno-640@precision=int8')).toBe('adreno-640@precision=int8');
    expect(canon('adreno-640@precision=fp16')).toBe('adreno-640');
    expect(canon('cortex-m7@precision=int8')).toBe('cortex-m7');
  });

  it('any order of the options gives the same device, and the canonical spec parses to itself', () => {
    const opts = fc.record({
      device: fc.constantFrom(...CPUS),
      threads: fc.option(fc.constantFrom('1', '4'), { nil: undefined }),
      precision: fc.option(fc.constantFrom('fp32', 'int8'), { nil: undefined }),
      clock: fc.option(fc.constantFrom('1000', '1800'), { nil: undefined }),
      reverse: fc.boolean(),
    });
    fc.assert(
      fc.property(opts, (o) => {
        const parts = [
          o.threads ? `threads=${o.threads}` : '',
          o.precision ? `precision=${o.precision}` : '',
          o.clock ? `clock=${o.clock}` : '',
        ].filter((s) => s !== '');
        const a = getDevice(`${o.device}@${parts.join(',')}`);
        const b = getDevice(`${o.device}@${[...parts].reverse().join(',')}`);
        expect(b.spec).toBe(a.spec);
        expect(b.constants).toEqual(a.constants);
        const again = getDevice(a.spec);
        expect(again.spec).toBe(a.spec);
        expect(again.constants).toEqual(a.constants);
        expect(a.bytesPerValue).toBe(o.precision === 'int8' ? 1 : 4);
      }),
      { numRuns: 60 },
    );
  });

  it('a precision the device has no variant for is one error naming the ones it has', () => {
    const line = (spec: string) => (errorOf(() => getDevice(spec)) as HwnasError).line();
    expect(line('cortex-m7@precision=fp32')).toBe('device cortex-m7 has no precision=fp32 (use precision=int8)');
    expect(line('cortex-a76@precision=fp16')).toBe(
      'device cortex-a76 has no precision=fp16 (use precision=fp32 or int8)',
    );
    expect(line('adreno-640@precision=int4')).toMatch(/fp16 or fp32 or int8/);
    expectUserError(
      runCli(['latency', 'nb201', '--latency', 'model:cortex-m7@precision=fp32', '--arch', '1']),
      /device cortex-m7 has no precision=fp32 \(use precision=int8\)/,
    );
  });

  it('a precision set is validated: figures name a variant, and not on a precision-variant device', () => {
    const raw = JSON.parse(readFileSync(devicePath('cortex-a76'), 'utf8'));
    raw.precisions.values.int8.figures[0].variant = '8';
    expect(errorOf(() => parseDeviceFile(JSON.stringify(raw), 'x.json')).message).toMatch(
      /precisions\.values\.int8\.figures\[0\]\.variant must name a variant/,
    );
    const m7 = JSON.parse(readFileSync(devicePath('cortex-m7'), 'utf8'));
    m7.precisions = raw.precisions;
    expect(errorOf(() => parseDeviceFile(JSON.stringify(m7), 'm7.json')).message).toMatch(
      /'precisions' needs a variant option other than precision/,
    );
  });
});

describe('int8 constants', () => {
  it('every thread variant times the int8 ratios, one byte per value', () => {
    for (const id of CPUS) {
      const f = loadDeviceFile(id);
      const p = f.precisions!.values.int8!;
      for (const t of Object.keys(f.variants)) {
        const d = getDevice(`${id}@threads=${t},precision=int8`);
        expect(d.bytesPerValue).toBe(1);
        for (const k of CONSTANT_NAMES) expect(d.constants[k]).toBe(f.variants[t]!.constants[k] * p.ratios[k]);
      }
    }
  });

  it('the prior ratios are the documented kernel-structure derivation', () => {
    const requant = 1.2; // zero-point row sums, packing and output requantization
    const sdot = (4 / 16) * requant; // SDOT: 16 int8 MACs per instruction, fp32 FMLA 4
    const widening = (4 / 8) * requant; // SMULL/SMLAL: 8 int8 MACs per instruction
    const expected = (gemm: number) => ({
      convCyclesPerMac: gemm,
      pointwiseCyclesPerMac: gemm,
      depthwiseCyclesPerMac: widening,
      linearCyclesPerMac: gemm,
      poolCyclesPerElement: 1,
      elementwiseCyclesPerElement: 1,
      fastCyclesPerByte: 1,
      slowCyclesPerByte: 1,
      cyclesPerKernel: 1,
    });
    const close = (a: Record<string, number>, b: Record<string, number>) => {
      for (const k of CONSTANT_NAMES) expect(a[k]).toBeCloseTo(b[k]!, 12);
    };
    close(loadDeviceFile('cortex-a76').precisions!.values.int8!.prior, expected(sdot));
    close(loadDeviceFile('cortex-a75').precisions!.values.int8!.prior, expected(sdot));
    close(loadDeviceFile('cortex-a72').precisions!.values.int8!.prior, expected(widening));
    // No int8 figure for the A72: its ratios are the prior.
    const a72 = loadDeviceFile('cortex-a72').precisions!.values.int8!;
    expect(a72.ratios).toEqual(a72.prior);
  });

  it('adreno-640 int8 runs as fp16 on the GPU delegate: the same constants and bytes', () => {
    const int8 = getDevice('adreno-640@precision=int8');
    const fp16 = getDevice('adreno-640');
    expect(int8.constants).toEqual(fp16.constants);
    expect(int8.bytesPerValue).toBe(2);
    const g = zooGraph('mobilenetv2-1.0-224');
    expect(predictGraph(g, int8)).toBe(predictGraph(g, fp16));
  });

  it('reproduces the calibrated int8 MobileNet figures within the stored error', () => {
    for (const [id, ms] of [
      ['cortex-a76', 5.0],
      ['cortex-a75', 13.4],
    ] as const) {
      const p = loadDeviceFile(id).precisions!.values.int8!;
      expect(p.figures.map((x) => [x.network, x.ms, x.variant])).toEqual([['mobilenetv1-1.0-224', ms, '4']]);
      const pred = predictGraph(zooGraph('mobilenetv1-1.0-224'), getDevice(`${id}@threads=4,precision=int8`));
      const err = Math.abs(pred / ms - 1) * 100;
      expect(err).toBeLessThanOrEqual(p.calibration!.meanAbsErrorPct + 0.01);
      // And the int8 model is faster than the fp32 one on the same network, as measured (14.0 / 23.9 ms).
      expect(pred).toBeLessThan(predictGraph(zooGraph('mobilenetv1-1.0-224'), getDevice(`${id}@threads=4`)));
    }
    expect(loadDeviceFile('cortex-a76').precisions!.values.int8!.calibration!.meanAbsErrorPct).toBeLessThan(1);
    expect(loadDeviceFile('cortex-a75').precisions!.values.int8!.calibration!.meanAbsErrorPct).toBeLessThan(10);
  });
});

describe('precision combinations elsewhere', () => {
  it('the transfer prior is keyed by every variant x precision', () => {
    const specs = priorBaseSpecs();
    for (const s of [
      'cortex-a76',
      'cortex-a76@precision=int8',
      'cortex-a76@threads=4',
      'cortex-a76@threads=4,precision=int8',
      'cortex-a72@threads=1,precision=int8',
      'adreno-640@precision=int8',
      'cortex-m7',
    ])
      expect(specs).toContain(s);
    expect(new Set(specs).size).toBe(specs.length);
    for (const s of specs) expect(priorKey(getDevice(s))).toBe(s);
    const file = loadTransferPrior();
    expect(Object.keys(file!.priors).sort()).toEqual([...specs].sort());
  });

  it('hwnas devices lists the precision combinations', () => {
    const r = runCli(['devices']);
    expect(r.code).toBe(0);
    for (const s of [
      'model:cortex-a76@threads=4,precision=int8',
      'model:cortex-a76@threads=1,precision=int8',
      'model:cortex-a72@threads=4,precision=int8',
      'model:adreno-640@precision=int8',
    ])
      expect(r.stdout).toContain(`${s}:`);
    const j = JSON.parse(runCli(['devices', '--json']).stdout) as { id: string; precisions?: { name: string }[] }[];
    expect(j.find((d) => d.id === 'cortex-a76')!.precisions!.map((p) => p.name)).toEqual(['int8']);
    expect(j.find((d) => d.id === 'cortex-m7')!.precisions).toBeUndefined();
  });
});
