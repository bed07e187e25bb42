import { describe, expect, it } from 'vitest';
import { countMacs, countParams } from '../../src/ir/count.js';
import { makeDivisible, zooGraph } from '../../src/ir/zoo.js';

// Published parameter counts (torchvision model summaries / keras.applications trainable params) and
// MACs (papers: MobileNetV1 569M, MobileNetV2 300M; torchvision docs GFLOPS = GMACs).
const published: [string, number, number, number][] = [
  // name, params, MACs, relative MAC tolerance
  ['mobilenetv1-1.0-224', 4_231_976, 569e6, 0.002],
  ['mobilenetv2-1.0-224', 3_504_872, 300e6, 0.005],
  ['squeezenet-1.0', 1_248_424, 0.82e9, 0.01],
  ['squeezenet-1.1', 1_235_496, 0.35e9, 0.01],
  ['resnet18', 11_689_512, 1.814e9, 0.001],
  ['resnet50', 25_557_032, 4.089e9, 0.001],
  ['alexnet', 61_100_840, 0.714e9, 0.001],
  ['vgg16', 138_357_544, 15.47e9, 0.001],
];

describe('zoo: published ImageNet networks', () => {
  for (const [name, params, macs, tol] of published) {
    it(`${name}: params and MACs`, () => {
      const g = zooGraph(name);
      expect(countParams(g)).toBe(params);
      expect(Math.abs(countMacs(g) / macs - 1)).toBeLessThan(tol);
      expect(g.nodes[g.output]!.shape.c).toBe(1000);
    });
  }
  it('keras width rounding', () => {
    expect(makeDivisible(32 * 0.35)).toBe(16);
    expect(makeDivisible(24 * 0.35)).toBe(8);
    expect(makeDivisible(1280 * 1.4)).toBe(1792);
  });
});

describe('zoo: MLPerf Tiny reference models', () => {
  it('ResNet-8: 78,666 keras params = 78,186 trainable + 480 BN running stats; 12.5 M MACs', () => {
    const g = zooGraph('mlperf-resnet8');
    expect(countParams(g)).toBe(78_666 - 2 * (16 + 2 * 16 + 2 * 32 + 2 * 64));
    // by hand: 32x32 (3->16, 16->16 x2) + 16x16 (16->32 s2, 32->32, 1x1 16->32) + 8x8 (32->64, 64->64, 1x1) + fc
    const hand =
      1024 * 9 * (3 * 16 + 16 * 16 * 2) +
      256 * (9 * (16 * 32 + 32 * 32) + 16 * 32) +
      64 * (9 * (32 * 64 + 64 * 64) + 32 * 64) +
      640;
    expect(countMacs(g)).toBe(hand);
  });
  it('DS-CNN: 2.66 M MACs (25x5 map, 64 channels)', () => {
    const g = zooGraph('mlperf-dscnn');
    expect(countMacs(g)).toBe(125 * 64 * 40 + 4 * 125 * (64 * 9 + 64 * 64) + 64 * 12);
  });
  it('VWW MobileNetV1-0.25 96x96: ~7.5 M MACs, 2 classes', () => {
    const g = zooGraph('mlperf-vww');
    expect(Math.abs(countMacs(g) / 7.5e6 - 1)).toBeLessThan(0.01);
    expect(g.nodes[g.output]!.shape.c).toBe(2);
  });
  it('FC-AutoEncoder: 264,192 MACs', () => {
    expect(countMacs(zooGraph('mlperf-fc-ae'))).toBe(2 * 640 * 128 + 6 * 128 * 128 + 2 * 128 * 8);
  });
  it('unknown names fail with one line', () => {
    expect(() => zooGraph('mobilenetv9-1-2')).toThrow(/unknown zoo network/);
  });
});
