import { describe, expect, it } from 'vitest';
import { frontLoss, frontLossText } from '../../src/prune/index.js';

// Two decisions with choices [none, skip, conv]; index = c0 + 3 * c1 (first decision fastest).
const choices = [
  ['none', 'skip', 'conv'],
  ['none', 'skip', 'conv'],
];
const idx = (c0: number, c1: number) => c0 + 3 * c1;
// latency: none 0, skip 1, conv 5 per decision
const lat = [0, 1, 5];
const latencyOf = (a: number) => lat[a % 3]! + lat[Math.floor(a / 3)]!;

describe('which removed blocks the true front uses', () => {
  it('counts uses per choice name, and the lost ones per half of the front (hand-built)', () => {
    // front: (none, skip) 1 ms, (skip, skip) 2 ms, (conv, skip) 6 ms, (conv, conv) 10 ms
    const front = [idx(2, 2), idx(0, 1), idx(2, 1), idx(1, 1)];
    // params/latency-like pruning: keep only conv on decision 0, skip and conv on decision 1
    const loss = frontLoss({ allowed: [[2], [1, 2]], choices, front, latencyOf });
    expect(loss.frontSize).toBe(4);
    expect(loss.kept).toBe(2); // (conv, skip) and (conv, conv)
    expect(loss.used).toEqual([
      { choice: 'none', removedOn: 2, decisions: 2, uses: 1, architectures: 1 },
      { choice: 'skip', removedOn: 1, decisions: 2, uses: 1, architectures: 1 },
    ]);
    // fastest half: (none, skip), (skip, skip): both lost; most accurate half: both kept
    expect([loss.fastHalf, loss.fastLost, loss.accurateHalf, loss.accurateLost]).toEqual([2, 2, 2, 0]);
    expect(frontLossText(loss)).toBe(
      "keeps 2 of 4 true-front architectures; it removed none on every decision (used by 1 front architecture), skip on 1 of 2 decisions (used by 1 front architecture); it lost 2 of the front's 2 fastest and 0 of its 2 most accurate",
    );
  });

  it('says so when the whole front is lost, and names at most `limit` choices', () => {
    const front = [idx(0, 0), idx(1, 0), idx(1, 1)];
    const loss = frontLoss({ allowed: [[2], [2]], choices, front, latencyOf });
    expect(loss.kept).toBe(0);
    // none: (0,0) twice, (1,0) once -> 2 architectures, 3 uses; skip: (1,0), (1,1) x2 -> 2 architectures, 3 uses
    expect(loss.used.map((u) => [u.choice, u.architectures, u.uses])).toEqual([
      ['none', 2, 3],
      ['skip', 2, 3],
    ]);
    expect(frontLossText(loss, 1)).toBe(
      "keeps 0 of 3 true-front architectures; it removed none on every decision (used by 2 front architectures), 1 more; the front's fastest and most accurate architectures are lost alike",
    );
  });

  it('does not depend on the order the front is given in', () => {
    const front = [idx(2, 2), idx(0, 1), idx(2, 1), idx(1, 1)];
    const a = frontLoss({ allowed: [[0, 2], [2]], choices, front, latencyOf });
    const b = frontLoss({ allowed: [[0, 2], [2]], choices, front: [...front].reverse(), latencyOf });
    expect(b).toEqual(a);
  });

  it('has nothing to explain when nothing the front uses was removed', () => {
    const loss = frontLoss({
      allowed: [
        [0, 1, 2],
        [1, 2],
      ],
      choices,
      front: [idx(0, 1), idx(2, 2)],
      latencyOf,
    });
    expect(loss.used).toEqual([]);
    expect(frontLossText(loss)).toBe('keeps 2 of 2 true-front architectures');
  });
});
