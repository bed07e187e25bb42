/**
 * NAS-Bench-201 as a SearchSpace. Architecture index = mixed radix over the 6 edges (first edge fastest,
 * op codes in NB201_OPS order). This is NOT the official NAS-Bench-201 index (the row order of the
 * benchmark files); the data module maps official rows to this index through `parse(cellString)`.
 */
import { fail } from '../../errors.js';
import type { Graph } from '../../ir/graph.js';
import { registerSpace } from '../registry.js';
import {
  type Decision,
  mixedRadixDecode,
  mixedRadixEncode,
  type NetworkOptions,
  type Notations,
  type SearchSpace,
} from '../types.js';
import { formatCell, NB201_EDGES, NB201_OPS, parseCell } from './cell.js';
import { nb201Network } from './network.js';

export { formatCell, NB201_EDGES, NB201_OPS, nodeSwapTwin, parseCell } from './cell.js';
export { nb201Network, nb201Resolution } from './network.js';

const RADIX = NB201_EDGES.map(() => NB201_OPS.length);
const SIZE = NB201_OPS.length ** NB201_EDGES.length;

/** NB201 datasets by classifier width. */
export const NB201_DATASETS: Readonly<Record<number, string>> = {
  10: 'cifar10',
  100: 'cifar100',
  120: 'imagenet16-120',
};

export class Nb201Space implements SearchSpace {
  readonly id = 'nb201';
  readonly title = 'NAS-Bench-201 cell space (Dong & Yang, ICLR 2020): 6 edges x 5 ops = 15,625 cells';
  readonly decisions: readonly Decision[] = NB201_EDGES.map(([to, from]) => ({
    name: `edge${to}<-${from}`,
    choices: [...NB201_OPS],
  }));
  readonly size = SIZE;
  /** CIFAR-100, the poster's dataset. */
  readonly defaultClasses = 100;

  decode(index: number): number[] {
    if (!Number.isSafeInteger(index) || index < 0 || index >= SIZE) {
      fail(`nb201 index ${index} is out of range`, `use an integer in [0, ${SIZE - 1}]`);
    }
    return mixedRadixDecode(index, RADIX);
  }

  encode(codes: readonly number[]): number {
    if (codes.length !== RADIX.length) fail(`nb201 needs ${RADIX.length} edge op codes, got ${codes.length}`);
    codes.forEach((c, e) => {
      if (!Number.isInteger(c) || c < 0 || c >= NB201_OPS.length) {
        fail(
          `nb201 edge ${e} op code ${c} is out of range`,
          `use 0..${NB201_OPS.length - 1} (${NB201_OPS.join(', ')})`,
        );
      }
    });
    return mixedRadixEncode(codes, RADIX);
  }

  /** Every notation `notations` prints: a space index (decimal integer), a cell string or the edge op codes. */
  parse(text: string): number {
    const s = text.trim();
    if (/^\d+$/.test(s)) {
      const index = Number(s);
      this.decode(index); // range check
      return index;
    }
    if (/^-\d+$/.test(s)) fail(`nb201 index ${s} is out of range`, `use an integer in [0, ${SIZE - 1}]`);
    // Edge op codes as `notations` prints them: `4,2,4,0,0,0` (one per edge, NB201_OPS order).
    if (/^\d+(\s*,\s*\d+)+$/.test(s)) return this.encode(s.split(',').map(Number));
    if (!s.includes('|')) {
      fail(
        `'${s}' is neither an nb201 space index, a cell string nor edge op codes`,
        `use an integer in [0, ${SIZE - 1}], a cell string like ${formatCell([3, 3, 4, 1, 3, 1])} or codes like 3,3,4,1,3,1`,
      );
    }
    return this.encode(parseCell(s));
  }

  format(index: number): string {
    return formatCell(this.decode(index));
  }

  /** Space index, cell string and edge op codes. The official NB201 index comes from the data module. */
  notations(index: number): Notations {
    const codes = this.decode(index);
    return { index, cell: formatCell(codes), codes: codes.join(',') };
  }

  network(index: number, opts: NetworkOptions = {}): Graph {
    const classes = opts.classes ?? this.defaultClasses;
    if (!Number.isInteger(classes) || classes < 1) fail(`nb201: classes must be a positive integer, got ${classes}`);
    return nb201Network(this.decode(index), classes, `nb201-${index}`);
  }
}

registerSpace('nb201', 'NAS-Bench-201 cell space, 15,625 cells (CIFAR-10/100, ImageNet16-120)', () => new Nb201Space());
