/**
 * Per-block costs the pruning metrics score: parameters and MACs of each (decision, choice) block counted
 * on the IR (`blockNetwork` + the block filter of the counters), and block latency from the latency
 * source: its own `blockValue` when it has one (device models, look-up tables), otherwise a least-squares
 * additive fit over its per-architecture values (see additive.ts), whose R^2 is reported.
 * Everything is computed lazily and cached: a metric that needs no latency never fits one.
 */
import { fail } from '../errors.js';
import { countMacs, countParams } from '../ir/count.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { blockNetwork, radices, type SearchSpace } from '../space/types.js';
import { type AdditiveFit, fitAdditive } from './additive.js';

export class BlockCosts {
  readonly radix: number[];
  private paramsCache?: number[][];
  private macsCache?: number[][];
  private latencyCache?: number[][];
  private signalCache?: number[][];
  private fitCache?: AdditiveFit;

  constructor(
    readonly space: SearchSpace,
    readonly latencySource?: ObjectiveColumn,
    paramsOverride?: number[][],
  ) {
    this.radix = radices(space);
    if (paramsOverride) {
      checkShape(paramsOverride, this.radix, 'block params');
      this.paramsCache = paramsOverride;
    }
  }

  params(): number[][] {
    this.paramsCache ??= this.perBlock((g, d) => countParams(g, d));
    return this.paramsCache;
  }

  macs(): number[][] {
    this.macsCache ??= this.perBlock((g, d) => countMacs(g, d));
    return this.macsCache;
  }

  /**
   * 1 when a block passes its input on, 0 when it outputs only zeros (NAS-Bench-201's `none`: the edge is
   * deleted). Read off the IR: a block whose nodes are all `zero` ops.
   */
  signal(): number[][] {
    this.signalCache ??= this.perBlock((g, d) => {
      const nodes = g.nodes.filter((n) => n.block === d);
      return nodes.length > 0 && nodes.every((n) => n.op === 'zero') ? 0 : 1;
    });
    return this.signalCache;
  }

  latency(): number[][] {
    if (this.latencyCache) return this.latencyCache;
    const src = this.latencySource;
    if (!src) return fail('this pruning metric needs a latency source', 'pass --latency <source>');
    if (src.blockValue) {
      const bv = src.blockValue;
      this.latencyCache = this.radix.map((r, d) => Array.from({ length: r }, (_, c) => bv(d, c)));
      this.radix.forEach((r, d) => {
        for (let c = 0; c < r; c++) {
          const v = this.latencyCache![d]![c]!;
          if (!Number.isFinite(v)) fail(`latency source ${src.source} gives ${v} for block ${c} of decision ${d}`);
        }
      });
    } else {
      this.fitCache = fitAdditive(src.values, this.radix);
      this.latencyCache = this.fitCache.blocks;
    }
    return this.latencyCache;
  }

  hasParams(): boolean {
    return this.paramsCache !== undefined;
  }

  hasLatency(): boolean {
    return this.latencyCache !== undefined;
  }

  /** The additive fit, when block latencies were estimated from a per-architecture table. */
  fit(): AdditiveFit | undefined {
    return this.fitCache;
  }

  private perBlock(count: (g: ReturnType<typeof blockNetwork>, d: number) => number): number[][] {
    return this.radix.map((r, d) => Array.from({ length: r }, (_, c) => count(blockNetwork(this.space, d, c), d)));
  }
}

function checkShape(x: number[][], radix: number[], what: string): void {
  if (x.length !== radix.length || x.some((row, d) => row.length !== radix[d])) {
    fail(`${what} must have one value per choice of each of the ${radix.length} decisions`);
  }
}
