/** HV against wall time of several searches on one scale (src/distributed/convergence.ts), by hand. */
import { describe, expect, it } from 'vitest';
import { commonHvCurves, hvAt, timeToReach } from '../../src/distributed/convergence.js';
import type { TellRecord } from '../../src/distributed/history.js';
import { toySpecs } from '../helpers/toy-open.js';

const tell = (n: number, accuracy: number, latency: number, t: number): TellRecord => ({
  type: 'tell',
  n,
  arch: n,
  ok: true,
  objectives: { accuracy, latency },
  t,
  ms: 1,
});

describe('commonHvCurves', () => {
  // Union of both searches: accuracy 70 .. 90 (minimised -90 .. -70), latency 1 .. 4.
  const a = [tell(0, 80, 2, 1000)];
  const b = [tell(0, 70, 1, 500), { ...tell(1, 0, 0, 700), ok: false, objectives: undefined }, tell(2, 90, 4, 2000)];

  it('normalises by the ideal and nadir of all the searches, reference 1.1', () => {
    const { reference, curves } = commonHvCurves([a, b], toySpecs);
    expect(reference).toEqual({ kind: 'normalised', ideal: [-90, 1], nadir: [-70, 4], ref: [1.1, 1.1] });
    // a: (0.5, 1/3) -> 0.6 * (1.1 - 1/3); b: (1, 0) -> 0.1 * 1.1, then with (0, 1): 0.11 + 0.11 - 0.01
    expect(curves[0]!.seconds).toEqual([1]);
    expect(curves[0]!.hv[0]).toBeCloseTo(0.6 * (1.1 - 1 / 3), 12);
    expect(curves[1]!.seconds).toEqual([0.5, 0.7, 2]);
    expect(curves[1]!.hv.map((v) => Number(v.toFixed(12)))).toEqual([0.11, 0.11, 0.21]);
    expect(hvAt(curves[1]!, 0.4)).toBe(0);
    expect(hvAt(curves[1]!, 1.9)).toBeCloseTo(0.11, 12);
    expect(timeToReach(curves[1]!, 0.21)).toBe(2);
    expect(timeToReach(curves[1]!, 0.5)).toBeUndefined();
  });

  it('with an explicit reference: HV on the raw minimised objectives', () => {
    const { curves } = commonHvCurves([a], toySpecs, { ref: [-60, 5] });
    expect(curves[0]!.hv).toEqual([(80 - 60) * (5 - 2)]);
  });
});
