/**
 * Hard constraints (`--constraint`): parsing to canonical text, bad expressions, masks computed by hand on a
 * four-architecture JSON space, the Cortex-M7 `fits:` mask on NB201 against `memoryReport` of full graphs,
 * and the per-segment peak cache of BLOX against full graphs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HwnasError } from '../../src/errors.js';
import { getDevice } from '../../src/hardware/device.js';
import { memoryReport } from '../../src/hardware/memory.js';
import { peakActivationBytes } from '../../src/ir/count.js';
import { feasibleMask, parseConstraint, parseConstraints } from '../../src/problem/constraints.js';
import { getSpace } from '../../src/space/all.js';
import { peakSample, spacePeakActivations } from '../../src/space/peak.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-constraints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * 1x4x4 input; decision a: conv 1x1 to 1 or 2 channels; decision b: conv 1x1 or 3x3 to 1 channel; then
 * GAP + linear 1->2 (with bias). No BN, no bias in the convs. Index = a + 2b. By hand:
 * params = c + k^2 c + 4 (c = channels of a, k = kernel of b): 6, 8, 14, 24;
 * MACs = 16c + 16 k^2 c + 2: 34, 66, 162, 322;
 * peak live values = input (16) + a's output (16c): 32, 48, 32, 48.
 */
function tinySpace(): string {
  const path = join(dir, 'tiny.json');
  const conv = (kernel: number, out?: number) => ({
    op: 'conv',
    kernel,
    ...(out ? { out } : {}),
    bn: false,
    act: 'none',
  });
  writeFileSync(
    path,
    JSON.stringify({
      name: 'tiny',
      input: { channels: 1, resolution: 4 },
      classes: 2,
      layers: [
        { name: 'a', choices: [conv(1, 1), conv(1, 2)] },
        { name: 'b', out: 1, choices: [conv(1), conv(3)] },
      ],
    }),
  );
  return path;
}

function maskOf(spaceId: string, texts: string[], latency?: Float64Array): number[] {
  return Array.from(feasibleMask(getSpace(spaceId), parseConstraints(texts), latency ? { latency } : {}).mask);
}

describe('parseConstraint', () => {
  it('canonicalises bounds, units and precisions', () => {
    expect(parseConstraint('params<=1M').text).toBe('params<=1000000');
    expect(parseConstraint(' macs <= 2.5k ').text).toBe('macs<=2500');
    expect(parseConstraint('flops<=3e8').text).toBe('flops<=300000000');
    expect(parseConstraint('weights<=512k').text).toBe('weights<=524288@int8');
    expect(parseConstraint('weights<=1M@fp32')).toMatchObject({ max: 1048576, bytesPerValue: 4 });
    expect(parseConstraint('peak<=256KiB@fp16')).toMatchObject({ text: 'peak<=262144@fp16', bytesPerValue: 2 });
    expect(parseConstraint('latency<=12.5ms').text).toBe('latency<=12.5');
  });

  it('reads fits: devices with their options (sizes in KiB, or with a unit)', () => {
    const m7 = parseConstraint('fits:cortex-m7');
    expect(m7).toMatchObject({
      text: 'fits:cortex-m7',
      flashBytes: 2048 * 1024,
      sramBytes: 1312 * 1024,
      bytesPerValue: 1,
    });
    expect(parseConstraint('fits:cortex-m7@sram=512k')).toMatchObject({
      text: 'fits:cortex-m7@sram=512',
      sramBytes: 512 * 1024,
    });
    expect(parseConstraint('fits:cortex-m7@sram=320,flash=1M').text).toBe('fits:cortex-m7@flash=1024,sram=320');
  });

  it('de-duplicates equal constraints written differently', () => {
    expect(parseConstraints(['params<=1M', 'params<=1000000', 'macs<=1']).map((c) => c.text)).toEqual([
      'params<=1000000',
      'macs<=1',
    ]);
  });

  it.each([
    ['params>=10', /only upper bounds/],
    ['params<=', /not a count/],
    ['params<=-3', /not a count/],
    ['params<=1X', /not a count/],
    ['speed<=3', /unknown metric 'speed'/],
    ['weights<=1M@int4', /unknown precision/],
    ['latency<=fast', /not a latency/],
    ['fits:', /needs a device/],
    ['fits:cortex-m7@sram=-1', /positive size/],
    ['fits:cortex-a76', /no flash or SRAM limit/],
    ['garbage', /expected <metric><=<bound>/],
  ])('rejects %s with one line', (text, why) => {
    expect(() => parseConstraint(text)).toThrow(HwnasError);
    expect(() => parseConstraint(text)).toThrow(why);
  });

  it('rejects an unknown device', () => {
    expect(() => parseConstraint('fits:no-such-board')).toThrow(HwnasError);
  });
});

describe('feasibleMask on a hand-computed space', () => {
  const tiny = tinySpace();

  it('counts: params, MACs, flops', () => {
    expect(maskOf(tiny, ['params<=8'])).toEqual([1, 1, 0, 0]);
    expect(maskOf(tiny, ['params<=14'])).toEqual([1, 1, 1, 0]);
    expect(maskOf(tiny, ['macs<=162'])).toEqual([1, 1, 1, 0]);
    expect(maskOf(tiny, ['macs<=65'])).toEqual([1, 0, 0, 0]);
    // flops = MACs + 16 (GAP reads 16 values) + 2 (linear bias)
    expect(maskOf(tiny, ['flops<=84'])).toEqual([1, 1, 0, 0]);
  });

  it('bytes: weights and peak activations at a precision', () => {
    expect(maskOf(tiny, ['weights<=14'])).toEqual([1, 1, 1, 0]);
    expect(maskOf(tiny, ['weights<=32@fp32'])).toEqual([1, 1, 0, 0]);
    expect(maskOf(tiny, ['peak<=32'])).toEqual([1, 0, 1, 0]);
    expect(maskOf(tiny, ['peak<=191@fp32'])).toEqual([1, 0, 1, 0]);
    expect(maskOf(tiny, ['peak<=192@fp32'])).toEqual([1, 1, 1, 1]);
  });

  it('latency against the given column (missing = infeasible), and constraints combine with AND', () => {
    const latency = Float64Array.from([3, 1, Number.NaN, 2]);
    expect(maskOf(tiny, ['latency<=2'], latency)).toEqual([0, 1, 0, 1]);
    expect(maskOf(tiny, ['latency<=3', 'params<=8'], latency)).toEqual([1, 1, 0, 0]);
    const r = feasibleMask(getSpace(tiny), parseConstraints(['params<=8', 'peak<=32']));
    expect(Array.from(r.mask)).toEqual([1, 0, 0, 0]);
    expect(r.feasible).toBe(1);
    expect(r.perConstraint.map((c) => [c.constraint, c.feasible])).toEqual([
      ['params<=8', 2],
      ['peak<=32@int8', 2],
    ]);
    expect(() => maskOf(tiny, ['latency<=2'])).toThrow(/needs a latency source/);
  });

  it('fits: weights within flash and peak within SRAM, as memoryReport says', () => {
    // int8: weights = params bytes (6, 8, 14, 24), peak = 32, 48, 32, 48 bytes
    const spec = 'fits:cortex-m7@flash=10B,sram=40B';
    expect(maskOf(tiny, [spec])).toEqual([1, 0, 0, 0]);
    expect(maskOf(tiny, ['fits:cortex-m7@flash=14B,sram=32B'])).toEqual([1, 0, 1, 0]);
    const c = parseConstraint(spec);
    const device = getDevice(c.device!);
    const space = getSpace(tiny);
    const byReport = [0, 1, 2, 3].map((i) => {
      const r = memoryReport(space.network(i), device);
      return r.fitsFlash && r.fitsSram ? 1 : 0;
    });
    expect(byReport).toEqual([1, 0, 0, 0]);
  });
});

describe('Cortex-M7 fits: on NAS-Bench-201', () => {
  it('agrees with memoryReport of the full graph on sampled architectures', () => {
    const space = getSpace('nb201');
    // NB201's int8 peak activations are 40-80 KiB and its weights at most 1.5 MB: a 64 KiB SRAM and a
    // 1 MiB flash make both limits bind
    const c = parseConstraint('fits:cortex-m7@sram=64k,flash=1M');
    const { mask, feasible } = feasibleMask(space, [c]);
    expect(feasible).toBeGreaterThan(0);
    expect(feasible).toBeLessThan(space.size);
    const device = getDevice(c.device!);
    const seen = { fits: 0, overFlash: 0, overSram: 0 };
    for (const i of peakSample(space.size, 60, 3)) {
      const r = memoryReport(space.network(i), device);
      expect(mask[i], `architecture ${i}`).toBe(r.fitsFlash && r.fitsSram ? 1 : 0);
      if (r.fitsFlash && r.fitsSram) seen.fits++;
      if (!r.fitsFlash) seen.overFlash++;
      if (!r.fitsSram) seen.overSram++;
    }
    // both limits reject some sampled architectures, and some fit
    expect(seen.fits).toBeGreaterThan(0);
    expect(seen.overFlash).toBeGreaterThan(0);
    expect(seen.overSram).toBeGreaterThan(0);
  });
});

describe('per-segment peak cache', () => {
  it('BLOX: stages run one after the other, so the cached peak equals the full graph', () => {
    const space = getSpace('blox');
    const p = spacePeakActivations(space);
    expect(p.method).toBe('segments');
    expect(p.graphs).toBeLessThan(300);
    for (const i of peakSample(space.size, 40, 11))
      expect(p.values[i], `architecture ${i}`).toBe(peakActivationBytes(space.network(i), 1));
  });

  it('NB201: cells interleave every decision, so every network is counted in full', () => {
    const space = getSpace('nb201');
    const p = spacePeakActivations(space);
    expect(p.method).toBe('full');
    for (const i of peakSample(space.size, 10, 5)) expect(p.values[i]).toBe(peakActivationBytes(space.network(i), 1));
  });

  it("a channel choice makes segments interact (a's output is live while b runs): counted in full", () => {
    const p = spacePeakActivations(getSpace(tinySpace()));
    expect(p.method).toBe('full');
    expect(Array.from(p.values)).toEqual([32, 48, 32, 48]);
  });
});
