import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrateDevice, type PrecisionFit } from '../../src/hardware/calibrate.js';
import { predictGraph } from '../../src/hardware/cost.js';
import {
  devicePath,
  devicesDir,
  getDevice,
  listDevices,
  loadDeviceFile,
  parseDeviceFile,
} from '../../src/hardware/device.js';
import { fitCorrection } from '../../src/hardware/fit.js';
import { kendallTau } from '../../src/hardware/kendall.js';
import { detectKernels } from '../../src/hardware/kernels.js';
import { fitsMemory, memoryReport } from '../../src/hardware/memory.js';
import { readLut } from '../../src/hardware/sources.js';
import { spaceLatency, sumTables } from '../../src/hardware/space-latency.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import { zooGraph } from '../../src/ir/zoo.js';
import { resolveSource } from '../../src/objectives/all.js';
import { Rng } from '../../src/rng.js';
import { getSpace } from '../../src/space/all.js';
import { mixedRadixDecode, radices } from '../../src/space/types.js';
import { runCli } from '../helpers/cli.js';

const POSTER = ['cortex-m7', 'cortex-a76', 'adreno-640'];

describe('device files', () => {
  it('every device in devices/ loads, cites sources and has the five required models', () => {
    expect(listDevices()).toEqual(['adreno-640', 'cortex-a72', 'cortex-a75', 'cortex-a76', 'cortex-m7']);
    for (const id of listDevices()) expect(loadDeviceFile(id).sources.length).toBeGreaterThan(0);
    expect(devicesDir().endsWith('devices/')).toBe(true);
  });
  it('a missing or negative constant is one clear error', () => {
    const raw = JSON.parse(readFileSync(devicePath('cortex-m7'), 'utf8'));
    delete raw.variants.int8.constants.depthwiseCyclesPerMac;
    expect(() => parseDeviceFile(JSON.stringify(raw), 'x.json')).toThrow(
      /variants\.int8\.constants\.depthwiseCyclesPerMac is missing/,
    );
    raw.variants.int8.constants.depthwiseCyclesPerMac = -1;
    expect(() => parseDeviceFile(JSON.stringify(raw), 'x.json')).toThrow(/must be a non-negative number, got -1/);
  });
  it('options: variant, clock, memory; bad ones fail', () => {
    const m7 = getDevice('cortex-m7@clock=400,sram=512,flash=1024');
    expect([m7.clockMHz, m7.sramBytes, m7.flashBytes, m7.spec]).toEqual([
      400,
      512 * 1024,
      1024 * 1024,
      'cortex-m7@clock=400,flash=1024,sram=512',
    ]);
    expect(getDevice('cortex-a76@threads=4').variant).toBe('4');
    expect(getDevice('adreno-640@precision=fp32').bytesPerValue).toBe(4);
    expect(() => getDevice('cortex-a76@threads=3')).toThrow(/no threads=3/);
    expect(() => getDevice('nope')).toThrow(/unknown device 'nope'/);
    expect(() => getDevice('cortex-m7@clock=-5')).toThrow(/positive number/);
  });
  it('clock scales an MCU prediction inversely', () => {
    const g = zooGraph('mlperf-resnet8');
    expect(predictGraph(g, getDevice('cortex-m7@clock=140'))).toBeCloseTo(
      2 * predictGraph(g, getDevice('cortex-m7')),
      9,
    );
  });
});

describe('kernel detection (fusion per runtime)', () => {
  const cpu = loadDeviceFile('cortex-a76').fusion;
  const gpu = loadDeviceFile('adreno-640').fusion;
  it('ResNet-8: CPU runs 9 conv kernels + 3 add(+relu) + pool + fc; the GPU delegate fuses the adds', () => {
    const g = zooGraph('mlperf-resnet8');
    const k = detectKernels(g, cpu);
    expect(k.map((x) => x.kind).filter((x) => x === 'conv' || x === 'pointwise')).toHaveLength(9);
    expect(k.filter((x) => x.kind === 'elementwise')).toHaveLength(3);
    expect(k.every((x) => x.kind !== 'elementwise' || x.nodes.length === 2)).toBe(true); // add + relu
    expect(k).toHaveLength(14);
    expect(detectKernels(g, gpu)).toHaveLength(11);
  });
  it('identity, flatten and zero are free; add with a zero input is an alias; SE splits into its pieces', () => {
    const b = new GraphBuilder('t', { c: 8, h: 4, w: 4 });
    const x = b.convBnAct(b.input, { outChannels: 8, kernel: 3, padding: 1 });
    const z = b.zero(x);
    const s = b.add([b.identity(x), z]);
    const y = b.squeezeExcite(s, 4);
    b.flatten(b.globalAvgPool(y));
    const k = detectKernels(b.build(), cpu);
    // conv-bn-relu | SE: gap, conv(+relu), conv, sigmoid, mul | final gap
    expect(k.map((x) => `${x.kind}:${x.nodes.length}`)).toEqual([
      'conv:3',
      'pool:1',
      'pointwise:2',
      'pointwise:1',
      'elementwise:1',
      'elementwise:1',
      'pool:1',
    ]);
    const kg = detectKernels(b.build(), gpu);
    expect(kg.map((x) => `${x.kind}:${x.nodes.length}`)).toEqual([
      'conv:3',
      'pool:1',
      'pointwise:2',
      'pointwise:3',
      'pool:1',
    ]);
  });
});

describe('calibration', () => {
  for (const id of ['cortex-m7', 'cortex-a76', 'adreno-640', 'cortex-a75', 'cortex-a72']) {
    it(`${id}: re-fit reproduces the stored constants and documented errors`, () => {
      const f = loadDeviceFile(id);
      for (const fit of calibrateDevice(f)) {
        const precision = (fit as PrecisionFit).precision;
        const v = precision !== undefined ? f.precisions!.values[precision]! : f.variants[fit.variant]!;
        expect(fit.constants).toEqual('ratios' in v ? v.ratios : v.constants);
        if (fit.fitted > 0) {
          expect(fit.meanAbsErrorPct).toBeCloseTo(v.calibration!.meanAbsErrorPct, 1);
          if (fit.fitted > 1) expect(fit.looMeanAbsErrorPct).toBeCloseTo(v.calibration!.looMeanAbsErrorPct!, 1);
          else expect(v.calibration!.looMeanAbsErrorPct).toBeUndefined();
          for (const r of fit.rows.filter((x) => !x.check)) expect(Math.abs(r.errorPct)).toBeLessThan(40);
        }
      }
    });
  }
  it('documented fit errors stay within the bounds stated in docs/calibration.md', () => {
    expect(loadDeviceFile('cortex-m7').variants.int8!.calibration!.meanAbsErrorPct).toBeLessThan(15);
    expect(loadDeviceFile('cortex-a76').variants['1']!.calibration!.meanAbsErrorPct).toBeLessThan(5);
    expect(loadDeviceFile('adreno-640').variants.fp16!.calibration!.meanAbsErrorPct).toBeLessThan(10);
  });
});

describe('space latency with per-block caching', () => {
  it('BLOX is additive on the poster devices: cached totals equal full-graph predictions', () => {
    const space = getSpace('blox');
    const rng = new Rng(7);
    for (const id of POSTER) {
      const d = getDevice(id);
      const lat = spaceLatency(space, d);
      expect(lat.additive).toBe(true);
      for (let s = 0; s < 5; s++) {
        const i = rng.nextInt(space.size);
        expect(lat.values[i]!).toBeCloseTo(predictGraph(space.network(i), d), 9);
        const codes = mixedRadixDecode(i, radices(space));
        const sum = lat.fixedMs + codes.reduce((a, c, dec) => a + lat.blockMs[dec]![c]!, 0);
        expect(lat.values[i]!).toBeCloseTo(sum, 9);
      }
    }
  });
  it('NB201 (zero edges change the node sums) is detected as not additive and costed in full', () => {
    const space = getSpace('nb201');
    const d = getDevice('cortex-a72');
    const lat = spaceLatency(space, d);
    expect(lat.additive).toBe(false);
    for (const i of [0, 1234, 15624]) expect(lat.values[i]!).toBeCloseTo(predictGraph(space.network(i), d), 9);
  });
  it('sumTables equals decoding every index', () => {
    const tables = [Float64Array.of(1, 2, 3), Float64Array.of(10, 20), Float64Array.of(100, 200, 300, 400)];
    const out = sumTables(0.5, tables, new Float64Array(24));
    for (let i = 0; i < 24; i++) {
      const c = mixedRadixDecode(i, [3, 2, 4]);
      expect(out[i]).toBe(0.5 + tables[0]![c[0]!]! + tables[1]![c[1]!]! + tables[2]![c[2]!]!);
    }
  });
});

describe('lut: and fit: sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwnas-hw-'));
  it('lut: sums fixed + per-block rows and names what is missing', async () => {
    const space = getSpace('nb201');
    const rows = ['decision,choice,ms', 'fixed,,1.5'];
    space.decisions.forEach((d, di) => {
      d.choices.forEach((c, ci) => {
        rows.push(`${di === 0 ? d.name : di},${ci === 1 ? c : ci},${di + ci / 10}`);
      });
    });
    const file = join(dir, 'lut.csv');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const col = await resolveSource(`lut:${file}`, { space });
    const codes = space.decode(777);
    expect(col.values[777]).toBeCloseTo(1.5 + codes.reduce((a, c, d) => a + d + c / 10, 0), 12);
    expect(col.blockValue!(2, 3)).toBeCloseTo(2.3, 12);
    writeFileSync(file, `${rows.slice(0, -1).join('\n')}\n`);
    expect(() => readLut(file, space)).toThrow(/no row for decision/);
  });
  it('fit: recovers a measured device that is 2x the model from 20 architectures', async () => {
    const space = getSpace('blox');
    const d = getDevice('cortex-a76');
    const truth = spaceLatency(space, d).values;
    const measured = new Float64Array(space.size).fill(Number.NaN);
    const rng = new Rng(3);
    for (let k = 0; k < 20; k++) {
      const i = rng.nextInt(space.size);
      measured[i] = 2 * truth[i]!;
    }
    const fit = fitCorrection(space, d, measured);
    for (const i of [0, 500, 91124]) expect(fit.values[i]! / (2 * truth[i]!)).toBeCloseTo(1, 6);
    expect(kendallTau(fit.values, truth)).toBeCloseTo(1, 9);
    const file = join(dir, 'm.csv');
    writeFileSync(
      file,
      `index,ms\n${[...measured].flatMap((v, i) => (Number.isNaN(v) ? [] : [`${i},${v}`])).join('\n')}\n`,
    );
    const col = await resolveSource(`fit:${file}#ms@cortex-a76`, { space });
    // The CLI source anchors to the transfer prior (what real devices teach), not to the model itself: a device
    // exactly proportional to the model is then recovered to within a percent, not to 6 digits.
    expect(col.values[42]! / (2 * truth[42]!)).toBeCloseTo(1, 2);
  });
});

describe('Cortex-M7 memory limits', () => {
  it('MLPerf Tiny IC fits the H7A3; MobileNetV2 1.0 224 int8 activations do not fit its SRAM', () => {
    const m7 = getDevice('cortex-m7');
    const r = memoryReport(zooGraph('mlperf-resnet8'), m7);
    expect(r.weightBytes).toBe(78_186);
    expect(r.peakActivationBytes).toBe(2 * 16 * 32 * 32 + 16 * 32 * 32); // stack-1 input, branch, output live
    expect(fitsMemory(zooGraph('mlperf-resnet8'), m7)).toBe(true);
    expect(memoryReport(zooGraph('mobilenetv2-1.0-224'), m7).fitsSram).toBe(false);
    expect(fitsMemory(zooGraph('mobilenetv2-1.0-224'), getDevice('cortex-a76'))).toBe(true);
  });
});

describe('CLI', () => {
  it('hwnas latency prints a CSV row; unknown device is one line, exit 2', () => {
    const ok = runCli(['latency', 'blox', '--latency', 'model:cortex-m7', '--arch', '0']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')[0]).toBe('index,arch,ms');
    const bad = runCli(['latency', 'blox', '--latency', 'model:cortex-m9', '--all']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/unknown device 'cortex-m9'/);
  });
  it('hwnas devices --json lists calibration; a broken device file fails cleanly', () => {
    const r = runCli(['devices', '--json']);
    expect(r.code).toBe(0);
    const devs = JSON.parse(r.stdout) as { id: string; variants: { calibration: unknown }[] }[];
    expect(devs.map((d) => d.id)).toContain('cortex-m7');
    const dir = mkdtempSync(join(tmpdir(), 'hwnas-dev-'));
    const raw = JSON.parse(readFileSync(devicePath('cortex-m7'), 'utf8'));
    raw.variants.int8.constants.cyclesPerKernel = -3;
    writeFileSync(join(dir, 'cortex-m7.json'), JSON.stringify(raw));
    const b = runCli(['latency', 'blox', '--latency', 'model:cortex-m7', '--arch', '0'], {
      env: { HWNAS_DEVICES_DIR: dir }, // no trailing slash: the folder is joined as a path
    });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/cyclesPerKernel must be a non-negative number/);
    // A devices folder without device files (a typo in HWNAS_DEVICES_DIR) names the folder, not an empty list.
    const typo = runCli(['latency', 'blox', '--latency', 'model:cortex-m7', '--arch', '0'], {
      env: { HWNAS_DEVICES_DIR: join(dir, 'nope') },
    });
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim().split('\n')).toHaveLength(1);
    expect(typo.stderr).toMatch(/no device files \(<device>\.json\) in .*nope.*HWNAS_DEVICES_DIR points there/);
  });
});
