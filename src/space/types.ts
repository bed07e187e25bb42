/**
 * The SearchSpace contract every space (BLOX, NAS-Bench-201, user-defined JSON macro spaces) implements.
 * A closed space numbers every architecture by a mixed-radix integer over its decisions, first decision
 * fastest: index = sum_d code[d] * prod_{e<d} radix[e].
 */
import type { Graph } from '../ir/graph.js';

export interface Decision {
  /** e.g. `stage0`, `edge1<-0`, `layer3`. */
  name: string;
  /** Display names of the choices, index = code. */
  choices: string[];
}

export interface NetworkOptions {
  /** Width of the classifier (e.g. 10, 100, 120 for NB201's datasets); default: the space's dataset. */
  classes?: number;
}

/** All notations of one architecture, for printing (`hwnas arch`). Keys are stable. */
export type Notations = Record<string, string | number>;

export interface SearchSpace {
  /** Registry name: `blox`, `nb201`, or the user space's name. */
  readonly id: string;
  readonly title: string;
  readonly decisions: readonly Decision[];
  /** Number of architectures = product of choice counts. */
  readonly size: number;
  /** Classifier width used when NetworkOptions.classes is not given. */
  readonly defaultClasses: number;

  /** Codes (one per decision) of architecture `index`. Throws HwnasError when out of range. */
  decode(index: number): number[];
  /** Index of the architecture with these codes. Throws HwnasError on bad codes. */
  encode(codes: readonly number[]): number;
  /**
   * Parse any notation the space accepts (its index, BLOX arch vector JSON or model hash, NB201 cell
   * string, ...) into an index. Throws HwnasError naming what is wrong.
   */
  parse(text: string): number;
  /** The canonical notation users know (BLOX arch vector JSON, NB201 cell string, ...). */
  format(index: number): string;
  /**
   * Every notation of the architecture. `parse` accepts each value back (test/space/notations.test.ts),
   * except descriptions of one part only (BLOX's `cell0..2`, one stage each).
   */
  notations(index: number): Notations;
  /**
   * The network as an IR graph. Nodes contributed by decision d carry `block = d`; everything else
   * (stem, reductions, head) carries -1.
   */
  network(index: number, opts?: NetworkOptions): Graph;
}

/** Radix (choice count) per decision. */
export function radices(space: Pick<SearchSpace, 'decisions'>): number[] {
  return space.decisions.map((d) => d.choices.length);
}

/** Mixed-radix decode, first decision fastest. */
export function mixedRadixDecode(index: number, radix: readonly number[], out: number[] = []): number[] {
  let rest = index;
  for (let d = 0; d < radix.length; d++) {
    const r = radix[d]!;
    out[d] = rest % r;
    rest = Math.floor(rest / r);
  }
  out.length = radix.length;
  return out;
}

/** Mixed-radix encode, first decision fastest. */
export function mixedRadixEncode(codes: readonly number[], radix: readonly number[]): number {
  let index = 0;
  let mul = 1;
  for (let d = 0; d < radix.length; d++) {
    index += codes[d]! * mul;
    mul *= radix[d]!;
  }
  return index;
}

/**
 * The network in which decision `decision` takes choice `choice` (all other decisions code 0). The
 * block of that choice is the set of its nodes with `block === decision`; decisions are independent in
 * closed spaces, so this is how pruning and per-block caches see one building block.
 */
export function blockNetwork(space: SearchSpace, decision: number, choice: number, opts?: NetworkOptions): Graph {
  const codes = space.decisions.map(() => 0);
  codes[decision] = choice;
  return space.network(space.encode(codes), opts);
}
