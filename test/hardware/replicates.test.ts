import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDevice, kendallTau, replicateNoise, spaceLatency, twinPairs } from '../../src/hardware/index.js';
import { countMacs } from '../../src/ir/count.js';
import { resolveSource } from '../../src/objectives/all.js';
import { getSpace } from '../../src/space/all.js';
import { formatCell, nodeSwapTwin, parseCell } from '../../src/space/nb201/index.js';
import { MIRROR, NO_MIRROR_REASON, useTempCache } from '../helpers/data.js';

const space = getSpace('nb201');
const twinIndex = (i: number) => {
  const t = nodeSwapTwin(space.decode(i));
  return t ? space.encode(t) : null;
};

describe('NAS-Bench-201 node-swap twins', () => {
  it('swaps nodes 1 and 2 when edge 2<-1 is none', () => {
    const twin = nodeSwapTwin(
      parseCell('|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|'),
    );
    expect(formatCell(twin!)).toBe('|skip_connect~0|+|nor_conv_3x3~0|none~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|');
  });
  it('has no twin when edge 2<-1 carries an op or the swap is the same cell', () => {
    expect(
      nodeSwapTwin(parseCell('|nor_conv_3x3~0|+|skip_connect~0|skip_connect~1|+|none~0|none~1|none~2|')),
    ).toBeNull();
    expect(
      nodeSwapTwin(parseCell('|nor_conv_1x1~0|+|nor_conv_1x1~0|none~1|+|none~0|avg_pool_3x3~1|avg_pool_3x3~2|')),
    ).toBeNull();
  });
  it('pairs 1,500 cells: 5^5 cells with edge 2<-1 none, less the 5^3 symmetric ones, halved', () => {
    const pairs = twinPairs(space.size, twinIndex);
    expect(pairs).toHaveLength((5 ** 5 - 5 ** 3) / 2);
    for (const [i, j] of pairs.slice(0, 50)) expect(twinIndex(j)).toBe(i);
  });
});

describe('replicateNoise', () => {
  it('identical replicates: no noise, tau 1', () => {
    const values = [1, 2, 3, 4, 1, 2, 3, 4];
    const r = replicateNoise(values, [
      [0, 4],
      [1, 5],
      [2, 6],
      [3, 7],
    ]);
    expect(r).toEqual({ pairs: 4, testRetestTau: 1, noiseSdLog: 0, boundTau: 1 });
  });
  it('hand-computed: one discordant pair of six, log ratios known', () => {
    // first measurements 1,2,3,4; second 1.5,3.5,2.9,4.5: only (2,3) vs (3.5,2.9) is discordant -> (5-1)/6
    const values = [1, 2, 3, 4, 1.5, 3.5, 2.9, 4.5];
    const r = replicateNoise(values, [
      [0, 4],
      [1, 5],
      [2, 6],
      [3, 7],
    ]);
    expect(r.testRetestTau).toBeCloseTo(4 / 6, 12);
    const logs = [1.5, 3.5 / 2, 2.9 / 3, 4.5 / 4].map((q) => Math.log(q) ** 2 / 2);
    expect(r.noiseSdLog).toBeCloseTo(Math.sqrt(logs.reduce((a, b) => a + b) / 4), 12);
    expect(r.boundTau).toBeLessThanOrEqual(1);
  });
  it('leaves out pairs with a zero or missing latency', () => {
    const r = replicateNoise(
      [0, 2, 3, 5, 2, 3],
      [
        [0, 1],
        [2, 4],
        [3, 5],
      ],
    );
    expect(r.pairs).toBe(2);
  });
});

describe.skipIf(!MIRROR)(
  `zero-shot and noise bounds on the HELP tables (${MIRROR ? 'HWNAS_MIRROR set' : NO_MIRROR_REASON})`,
  () => {
    let tmp: ReturnType<typeof useTempCache>;
    const measured = new Map<string, Float64Array>();
    beforeAll(async () => {
      tmp = useTempCache();
      for (const help of ['raspi4', 'pixel3', 'gold_6240', 'silver_4114', 'pixel2', 'samsung_s7', 'essential_ph_1'])
        measured.set(help, (await resolveSource(`help:${help}`, { space, quiet: true })).values);
    }, 120_000);
    afterAll(() => tmp.cleanup());

    it('model:cortex-a72 ranks raspi4 at tau 0.873, model:cortex-a75@threads=1 pixel3 at 0.858 (4 threads 0.778); MACs 0.739 / 0.682', () => {
      const macs = Float64Array.from({ length: space.size }, (_, i) => countMacs(space.network(i)));
      const raspi4 = measured.get('raspi4')!;
      const pixel3 = measured.get('pixel3')!;
      expect(kendallTau(spaceLatency(space, getDevice('cortex-a72')).values, raspi4)).toBeCloseTo(0.8732, 4);
      expect(kendallTau(spaceLatency(space, getDevice('cortex-a75@threads=1')).values, pixel3)).toBeCloseTo(0.858, 4);
      expect(kendallTau(spaceLatency(space, getDevice('cortex-a75')).values, pixel3)).toBeCloseTo(0.7783, 4);
      expect(kendallTau(macs, raspi4)).toBeCloseTo(0.7394, 4);
      expect(kendallTau(macs, pixel3)).toBeCloseTo(0.6823, 4);
    }, 60_000);

    it('twins bound every predictor below 0.92 on seven tables (seed 0)', () => {
      const pairs = twinPairs(space.size, twinIndex);
      const expected: Record<string, [number, number]> = {
        // table: [test-retest tau, bound]
        raspi4: [0.849, 0.8725],
        pixel3: [0.8447, 0.8877],
        gold_6240: [0.774, 0.8402],
        silver_4114: [0.7766, 0.8433],
        pixel2: [0.6826, 0.7824],
        samsung_s7: [0.7439, 0.8224],
        essential_ph_1: [0.745, 0.8213],
      };
      for (const [help, [retest, bound]] of Object.entries(expected)) {
        const r = replicateNoise(measured.get(help)!, pairs, 0);
        expect(r.pairs).toBe(1500);
        expect(r.testRetestTau, help).toBeCloseTo(retest, 3);
        expect(r.boundTau, help).toBeCloseTo(bound, 3);
        expect(r.boundTau, help).toBeLessThan(0.92);
      }
    });
  },
);
