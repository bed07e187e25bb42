/**
 * BLOX (Chau et al., NeurIPS 2022) as a SearchSpace: three decisions `stage0..2`, each one of the 45 unique
 * cells; index = u0 + 45·u1 + 2025·u2, BLOX's canonical order of its 91,125 networks (BLOX.md §1.6).
 */
import { fail } from '../../errors.js';
import type { Graph } from '../../ir/graph.js';
import { registerSpace } from '../registry.js';
import type { Decision, NetworkOptions, Notations, SearchSpace } from '../types.js';
import { mixedRadixDecode, mixedRadixEncode } from '../types.js';
import { type CellClass, cellClasses } from './cells.js';
import {
  COMPACT_RE,
  compactStage,
  formatArchVec,
  HASH_RE,
  parseArchVecJson,
  parseCompact,
  STAGES,
  type StageDigits,
  SYNTAX_HINT,
  stageRaw,
} from './encoding.js';
import { modelHash } from './hash.js';
import { bloxHashTable, type HashTableOptions, loadedBloxHashTable } from './hashCache.js';
import type { ModelHashTable } from './hashTable.js';
import { bloxNetwork, DEFAULT_CLASSES } from './network.js';

export const CELLS_PER_STAGE = 45;
export const BLOX_SIZE = CELLS_PER_STAGE ** STAGES;

export class BloxSpace implements SearchSpace {
  readonly id = 'blox';
  readonly title = 'BLOX (Chau et al., NeurIPS 2022): 3 stages x 45 unique cells, CIFAR-100';
  readonly decisions: readonly Decision[];
  readonly size = BLOX_SIZE;
  readonly defaultClasses = DEFAULT_CLASSES;
  readonly classes: readonly CellClass[];
  private readonly classOfRaw: Int8Array;
  private readonly radix: number[];

  constructor() {
    const { classes, classOfRaw } = cellClasses();
    this.classes = classes;
    this.classOfRaw = classOfRaw;
    const choices = classes.map((c) => compactStage(c.rep));
    this.decisions = Array.from({ length: STAGES }, (_, s) => ({ name: `stage${s}`, choices: choices.slice() }));
    this.radix = this.decisions.map(() => CELLS_PER_STAGE);
  }

  decode(index: number): number[] {
    this.checkIndex(index);
    return mixedRadixDecode(index, this.radix);
  }

  encode(codes: readonly number[]): number {
    if (codes.length !== STAGES) fail(`BLOX needs ${STAGES} stage codes, got ${codes.length}`);
    codes.forEach((c, s) => {
      if (!Number.isInteger(c) || c < 0 || c >= CELLS_PER_STAGE) {
        fail(`BLOX stage${s} code ${c} is out of range`, `codes are 0..${CELLS_PER_STAGE - 1}`);
      }
    });
    return mixedRadixEncode(codes, this.radix);
  }

  /** Stage digits of the representative arch vector of `index`. */
  stages(index: number): StageDigits[] {
    return this.decode(index).map((u) => this.classes[u]!.rep);
  }

  /** Index of any valid raw arch (every stage maps to its class). */
  indexOfStages(stages: readonly StageDigits[]): number {
    return this.encode(stages.map((d) => this.classOfRaw[stageRaw(d)]!));
  }

  parse(text: string): number {
    const t = text.trim();
    if (/^\d+$/.test(t)) {
      const i = Number(t);
      this.checkIndex(i);
      return i;
    }
    if (t.startsWith('[')) return this.indexOfStages(parseArchVecJson(t));
    if (COMPACT_RE.test(t)) return this.indexOfStages(parseCompact(t));
    if (HASH_RE.test(t)) {
      const i = this.hashTable().indexOf(t);
      if (i === undefined)
        fail(`no BLOX network has model hash ${t}`, 'model hashes are 32 hex digits from BLOX files');
      return i;
    }
    fail(`cannot read BLOX architecture '${text}'`, SYNTAX_HINT);
  }

  format(index: number): string {
    return formatArchVec(this.stages(index));
  }

  /**
   * BLOX's model hash of `index` (the key of its data files): read from the hash table when this process
   * already holds it, else computed for this one architecture (~60 us).
   */
  modelHash(index: number): string {
    const table = loadedBloxHashTable();
    if (!table) return modelHash(this.stages(index))!;
    this.checkIndex(index);
    return table.hashAt(index);
  }

  /**
   * Model hash -> index for all networks: loaded from the hwnas cache, or built once (seconds, with a
   * progress bar on a terminal) and cached.
   */
  hashTable(opts?: HashTableOptions): ModelHashTable {
    return bloxHashTable(this.classes, opts);
  }

  notations(index: number): Notations {
    const u = this.decode(index);
    const stages = u.map((c) => this.classes[c]!.rep);
    const out: Notations = {
      index,
      arch_vec: formatArchVec(stages),
      model_hash: this.modelHash(index),
      compact: stages.map(compactStage).join('_'),
    };
    u.forEach((c, s) => {
      out[`cell${s}`] = this.classes[c]!.fn;
    });
    return out;
  }

  network(index: number, opts?: NetworkOptions): Graph {
    const u = this.decode(index);
    const classes = opts?.classes ?? this.defaultClasses;
    if (!Number.isInteger(classes) || classes < 1) fail(`--classes must be a positive integer, got ${classes}`);
    return bloxNetwork(
      u.map((c) => this.classes[c]!.nodes),
      `blox-${index}`,
      classes,
    );
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      fail(`BLOX index ${index} is out of range`, `indices are 0..${this.size - 1}`);
    }
  }
}

export function createBloxSpace(): BloxSpace {
  return new BloxSpace();
}

registerSpace('blox', 'BLOX macro space, 45^3 = 91,125 networks (CIFAR-100)', createBloxSpace);
