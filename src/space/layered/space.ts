/**
 * A user-defined macro space: a chain of layers, the searchable ones each a decision over op specs,
 * followed by global average pooling and a linear classifier. Index = mixed radix over the searchable
 * layers, first layer fastest.
 */
import { fail } from '../../errors.js';
import { type Graph, GraphBuilder } from '../../ir/graph.js';
import {
  type Decision,
  mixedRadixDecode,
  mixedRadixEncode,
  type NetworkOptions,
  type Notations,
  type SearchSpace,
} from '../types.js';
import { buildOp } from './build.js';
import { choiceOut, type LayeredSpec, type LayerSpec } from './spec.js';

export class LayeredSpace implements SearchSpace {
  readonly id: string;
  readonly title: string;
  readonly decisions: readonly Decision[];
  readonly size: number;
  readonly defaultClasses: number;
  /**
   * True when every choice of a decision yields the same output channels, so that a block's cost does
   * not depend on the other decisions (per-block caches are exact). Channel choices make it false.
   */
  readonly additive: boolean;
  private readonly radix: number[];
  private readonly searchable: LayerSpec[];
  /** Codes print as one digit per decision when no index can be mistaken for them. */
  private readonly digitCodes: boolean;

  constructor(readonly spec: LayeredSpec) {
    this.id = spec.name;
    this.title = spec.title;
    this.searchable = spec.layers.filter((l) => l.searchable);
    this.decisions = this.searchable.map((l) => ({ name: l.name, choices: l.choices.map((c) => c.name) }));
    this.radix = this.decisions.map((d) => d.choices.length);
    this.size = this.radix.reduce((a, b) => a * b, 1);
    this.defaultClasses = spec.classes;
    const n = this.radix.length;
    this.digitCodes = this.radix.every((r) => r <= 10) && (n === 1 || String(this.size - 1).length < n);
    this.additive = this.searchable.every((l) => {
      const outs = new Set(l.choices.map((c) => c.out ?? l.out ?? -1));
      return outs.size === 1;
    });
  }

  decode(index: number): number[] {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      fail(`${this.id} index ${index} is out of range`, `use an integer in [0, ${this.size - 1}]`);
    }
    return mixedRadixDecode(index, this.radix);
  }

  encode(codes: readonly number[]): number {
    if (codes.length !== this.radix.length) {
      fail(`${this.id} needs ${this.radix.length} choice codes (one per searchable layer), got ${codes.length}`);
    }
    codes.forEach((c, d) => {
      if (!Number.isInteger(c) || c < 0 || c >= this.radix[d]!) {
        fail(
          `${this.id} layer ${this.decisions[d]!.name} choice code ${c} is out of range`,
          `use 0..${this.radix[d]! - 1} (${this.decisions[d]!.choices.join(', ')})`,
        );
      }
    });
    return mixedRadixEncode(codes, this.radix);
  }

  /** Codes, first searchable layer first: one digit each (e.g. `01201201`) or dash-separated. */
  formatCodes(codes: readonly number[]): string {
    return codes.join(this.digitCodes ? '' : '-');
  }

  private hint(): string {
    const example = this.formatCodes(this.radix.map((r) => r - 1));
    return `use an index in [0, ${this.size - 1}], codes like ${example}, '0-1-2' or a JSON array, one code per searchable layer, or the choice names separated by spaces`;
  }

  /**
   * Every notation `notations` prints: an index, codes (a JSON array `[0,1,2]`, dash- or comma-separated
   * `0-1-2`, or, when every layer has at most 10 choices and no index has as many digits as there are
   * layers, one digit per layer), or the choice names one per searchable layer separated by spaces
   * (`ops`, e.g. `id ir_3x3_t3 id`). A bare number is an index even if a choice bears that name.
   */
  parse(text: string): number {
    const s = text.trim();
    const n = this.radix.length;
    let codes: number[];
    if (/^\d+$/.test(s) && !(this.digitCodes && s.length === n && n > 1)) {
      const index = Number(s);
      this.decode(index);
      return index;
    }
    const named = /^\d+$/.test(s) ? undefined : this.codesOfNames(s);
    if (named) return this.encode(named);
    if (/^\d+$/.test(s)) codes = [...s].map(Number);
    else if (/^\[.*\]$/s.test(s)) {
      let v: unknown;
      try {
        v = JSON.parse(s);
      } catch {
        fail(`'${s}' is not a valid JSON array of choice codes`, this.hint());
      }
      if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x)))
        fail(`'${s}' must be an array of integer codes`, this.hint());
      codes = v as number[];
    } else if (/^\d+([-,]\d+)+$/.test(s)) codes = s.split(/[-,]/).map(Number);
    else fail(`'${s}' is not an architecture of ${this.id}`, this.hint());
    return this.encode(codes);
  }

  format(index: number): string {
    return this.formatCodes(this.decode(index));
  }

  /**
   * Codes of `ops` text (one choice name per searchable layer, space-separated); undefined when the text
   * is not of that form (a single token that names no choice of a one-layer space falls through).
   */
  private codesOfNames(s: string): number[] | undefined {
    const names = s.split(/\s+/);
    const n = this.radix.length;
    if (names.length === 1 && !(n === 1 && this.decisions[0]!.choices.includes(s))) return undefined;
    if (!names.every((name) => /^[A-Za-z0-9_.-]+$/.test(name))) return undefined;
    if (names.length !== n)
      fail(`${this.id} needs ${n} choice names (one per searchable layer), got ${names.length} in '${s}'`, this.hint());
    return names.map((name, d) => {
      const { name: layer, choices } = this.decisions[d]!;
      const c = choices.indexOf(name);
      if (c < 0) fail(`${this.id} layer ${layer} has no choice '${name}'`, `its choices: ${choices.join(', ')}`);
      return c;
    });
  }

  notations(index: number): Notations {
    const codes = this.decode(index);
    return { index, codes: this.formatCodes(codes), ops: codes.map((c, d) => this.decisions[d]!.choices[c]).join(' ') };
  }

  network(index: number, opts: NetworkOptions = {}): Graph {
    const codes = this.decode(index);
    const classes = opts.classes ?? this.defaultClasses;
    if (!Number.isInteger(classes) || classes < 1)
      fail(`${this.id}: classes must be a positive integer, got ${classes}`);
    const { c, h, w } = this.spec.input;
    const b = new GraphBuilder(`${this.id}-${index}`, { c, h, w });
    let x = b.input;
    let d = 0;
    for (const layer of this.spec.layers) {
      const block = layer.searchable ? d++ : -1;
      const choice = layer.choices[layer.searchable ? codes[block]! : 0]!;
      const out = choiceOut(layer, choice, b.shape(x).c);
      x = b.inBlock(block, () => b.scope(layer.name, () => buildOp(b, x, choice.op, layer.stride, out)));
    }
    x = b.scope('classifier', () => b.linear(b.flatten(b.globalAvgPool(x)), { outFeatures: classes, bias: true }));
    return b.build(x);
  }
}
