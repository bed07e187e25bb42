import { describe, expect, it } from 'vitest';
import { countMacs, countParams, countPtflops, peakActivationBytes } from '../../src/ir/count.js';
import { GraphBuilder } from '../../src/ir/graph.js';

/** A tiny net whose counts are easy by hand: 3x8x8 -> conv3x3(4, bias) -> BN -> ReLU -> GAP -> fc(2). */
function tinyNet() {
  const g = new GraphBuilder('tiny', { c: 3, h: 8, w: 8 });
  let x = g.conv(g.input, { outChannels: 4, kernel: 3, padding: 1, bias: true });
  x = g.bn(x);
  x = g.relu(x);
  x = g.globalAvgPool(x);
  x = g.linear(x, { outFeatures: 2 });
  return g.build(x);
}

describe('IR counting', () => {
  it('counts parameters as PyTorch does (conv weight+bias, BN affine, linear)', () => {
    // conv 4*3*3*3 + 4 = 112; BN 2*4 = 8; fc 4*2 + 2 = 10
    expect(countParams(tinyNet())).toBe(130);
  });

  it('counts conv and linear MACs only', () => {
    // conv: 4 out channels * 8*8 positions * 27 = 6912; fc 8
    expect(countMacs(tinyNet())).toBe(6920);
  });

  it('counts ptflops 0.6.9 style flops', () => {
    // conv 6912 + bias 256; BN 2*256 = 512; ReLU 256; GAP input 256; fc 8 + 2
    expect(countPtflops(tinyNet())).toBe(6912 + 256 + 512 + 256 + 256 + 10);
  });

  it('infers shapes through stride, padding and groups', () => {
    const g = new GraphBuilder('s', { c: 8, h: 15, w: 15 });
    const a = g.conv(g.input, { outChannels: 8, kernel: 3, stride: 2, padding: 1, groups: 8 });
    expect(g.shape(a)).toEqual({ c: 8, h: 8, w: 8 });
    const p = g.pool('avgpool', a, { kernel: 2 });
    expect(g.shape(p)).toEqual({ c: 8, h: 4, w: 4 });
    // depthwise 3x3: 8 * 1 * 9 weights
    expect(countParams(g.build(p))).toBe(72);
  });

  it('peak activation memory keeps residual inputs alive', () => {
    // input 1x4x4 (16) -> conv a (16) -> conv b (16) -> add(input, b)
    const g = new GraphBuilder('res', { c: 1, h: 4, w: 4 });
    const a = g.conv(g.input, { outChannels: 1, kernel: 3, padding: 1 });
    const b = g.conv(a, { outChannels: 1, kernel: 3, padding: 1 });
    const s = g.add([g.input, b]);
    // while computing b: input (kept for the add), a, b are live = 48 values; at the add: input, b, sum = 48
    expect(peakActivationBytes(g.build(s), 1)).toBe(48);
  });

  it('rejects mismatched adds with a user error', () => {
    const g = new GraphBuilder('bad', { c: 2, h: 4, w: 4 });
    const a = g.conv(g.input, { outChannels: 3, kernel: 1 });
    expect(() => g.add([g.input, a])).toThrow(/do not match/);
  });
});
