import { describe, expect, it } from 'vitest';
import { isHwnasError } from '../../src/errors.js';
import { measureGraph, measureModel, parseOrtSpec, quantileSorted, summarize } from '../../src/hardware/ort/index.js';
import { sampleIndices } from '../../src/hardware/ort/table.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import { resolveSource } from '../../src/objectives/all.js';
import type { SearchSpace } from '../../src/space/types.js';

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return isHwnasError(e) ? e.line() : `not a user error: ${String(e)}`;
  }
  return 'no error';
}

describe('timing statistics', () => {
  it('quantiles interpolate linearly between order statistics', () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantileSorted(s, 0)).toBe(1);
    expect(quantileSorted(s, 1)).toBe(10);
    expect(quantileSorted(s, 0.5)).toBe(5.5);
    expect(quantileSorted(s, 0.9)).toBeCloseTo(9.1, 12);
    expect(quantileSorted(s, 0.25)).toBe(3.25);
    expect(quantileSorted([7], 0.9)).toBe(7);
    expect(Number.isNaN(quantileSorted([], 0.5))).toBe(true);
  });

  it('summary: median, min, p90, IQR / median; order of samples does not matter', () => {
    const r = summarize([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
    expect(r.medianMs).toBe(5.5);
    expect(r.minMs).toBe(1);
    expect(r.p90Ms).toBeCloseTo(9.1, 12);
    expect(r.spread).toBeCloseTo((7.75 - 3.25) / 5.5, 12);
    expect(summarize([2, 2, 2, 2]).spread).toBe(0);
  });
});

describe('ort spec and sampling', () => {
  it('parses options and rejects bad ones with one line', () => {
    expect(parseOrtSpec('')).toEqual({ threads: 1, warmup: 10, repeats: 50, seed: 0, max: 200 });
    expect(parseOrtSpec('threads=2, repeats=50,max=1000')).toMatchObject({ threads: 2, repeats: 50, max: 1000 });
    expect(message(() => parseOrtSpec('speed=3'))).toMatch(/bad ort option 'speed=3'.*keys threads, warmup/);
    expect(message(() => parseOrtSpec('threads=0'))).toMatch(/threads must be in \[1, 256\]/);
    expect(message(() => parseOrtSpec('repeats'))).toMatch(/bad ort option/);
  });

  it('sampleIndices: n distinct ascending indices, deterministic, all of them when n = size', () => {
    const a = sampleIndices(15625, 20, 7);
    expect(a).toHaveLength(20);
    expect(new Set(a).size).toBe(20);
    expect(a.every((v, i) => v >= 0 && v < 15625 && (i === 0 || v > a[i - 1]!))).toBe(true);
    expect(sampleIndices(15625, 20, 7)).toEqual(a);
    expect(sampleIndices(15625, 20, 8)).not.toEqual(a);
    expect(sampleIndices(5, 5, 1)).toEqual([0, 1, 2, 3, 4]);
  });
});

/** A closed space of three networks of growing width, built for these tests. */
function tinySpace(): SearchSpace {
  const widths = [4, 8, 16];
  return {
    id: 'tiny',
    title: 'three convs',
    decisions: [{ name: 'width', choices: widths.map(String) }],
    size: 3,
    defaultClasses: 10,
    decode: (i) => [i],
    encode: (c) => c[0]!,
    parse: (t) => Number(t),
    format: (i) => String(widths[i]),
    notations: (i) => ({ index: i }),
    network(i, opts) {
      const b = new GraphBuilder(`tiny${i}`, { c: 3, h: 16, w: 16 });
      const x = b.convBnAct(b.input, { outChannels: widths[i]!, kernel: 3, padding: 1 });
      return b.build(b.linear(b.flatten(b.globalAvgPool(x)), { outFeatures: opts?.classes ?? 10 }));
    },
  };
}

describe('measurement with ONNX Runtime', () => {
  it('measureGraph times the requested number of runs (values, not speed, are checked)', async () => {
    const g = tinySpace().network(1);
    const r = await measureGraph(g, { repeats: 7, warmup: 2 });
    expect(r.samplesMs).toHaveLength(7);
    expect([...r.samplesMs].every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    expect(r.minMs).toBeLessThanOrEqual(r.medianMs);
    expect(r.medianMs).toBeLessThanOrEqual(r.p90Ms);
    expect(r.minMs).toBe(Math.min(...r.samplesMs));
    expect(r.spread).toBeGreaterThanOrEqual(0);
  });

  it('source ort measures every architecture of a small space', async () => {
    const col = await resolveSource('ort:repeats=3,warmup=1', { space: tinySpace(), quiet: true });
    expect(col.name).toBe('latency');
    expect(col.direction).toBe('min');
    expect(col.unit).toBe('ms');
    expect(col.source).toBe('ort:repeats=3,warmup=1');
    expect(col.values).toHaveLength(3);
    expect([...col.values].every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    expect(col.blockValue).toBeUndefined();
  });

  it('source ort refuses a space above its limit and points to hwnas measure + fit:', async () => {
    const err = await resolveSource('ort:max=2', { space: tinySpace(), quiet: true }).catch((e: unknown) => e);
    expect(isHwnasError(err)).toBe(true);
    const line = (err as { line(): string }).line();
    expect(line).toMatch(/would measure all 3 architectures of tiny \(limit 2\)/);
    expect(line).toMatch(/hwnas measure tiny --sample 3 -o ort.csv.*fit:ort\.csv#median_ms/);
  });

  it('an ONNX Runtime failure is one user-facing line', async () => {
    const err = await measureModel(new Uint8Array([1, 2, 3, 4]), { c: 1, h: 1, w: 1 }).catch((e: unknown) => e);
    expect(isHwnasError(err)).toBe(true);
    expect((err as { line(): string }).line()).toMatch(/^ONNX Runtime failed to load the model: [^\n]+$/);
  });
});
