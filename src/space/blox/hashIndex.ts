/**
 * Model hash -> BLOX index, for parsing hashes (BLOX's data files key rows by hash only).
 *
 * The hash cannot be split by stage: after three refinement rounds every vertex's hash depends on all
 * three stages (measured: reusing hashes whose neighbourhood did not change saves under 5% of the MD5s),
 * so every network costs V^2 + 1 MD5s (V <= 11 vertices), ~9.5 M for the whole space. What is saved:
 * graphs are assembled directly from the per-stage classes (no minimisation), initial vertex hashes are
 * cached, and the scan is resumable: a lookup advances it only until the hash is found.
 */
import type { CellClass } from './cells.js';
import { STAGES } from './encoding.js';
import { md5hex, pyStrList } from './hash.js';

const SLOTS = 2 + 3 * STAGES;
const OUTPUT = SLOTS - 1;
const PER_STAGE = 45;

/** Slot of node k (0, 1) or the reduction (k = 2) of stage s. */
function slot(s: number, k: number): number {
  return 1 + 3 * s + k;
}

/** Python `str(float)` of small integer degrees, as in `(1.0, 0.0, -1)`. */
function initialKey(outDeg: number, inDeg: number, label: number): string {
  return `(${outDeg}.0, ${inDeg}.0, ${label})`;
}

export class HashIndexer {
  private readonly map = new Map<string, number>();
  private next = 0;
  private readonly total: number;
  // Per-network scratch, reused: adjacency lists by slot, labels, presence, present slots, hashes.
  private readonly ins: number[][] = Array.from({ length: SLOTS }, () => []);
  private readonly outs: number[][] = Array.from({ length: SLOTS }, () => []);
  private readonly labels = new Int32Array(SLOTS);
  private readonly present = new Uint8Array(SLOTS);
  private readonly ids = new Int32Array(SLOTS);
  private h: string[] = new Array<string>(SLOTS).fill('');
  private hNext: string[] = new Array<string>(SLOTS).fill('');
  private readonly initial = new Map<string, string>();

  constructor(private readonly classes: readonly CellClass[]) {
    this.total = PER_STAGE ** STAGES;
  }

  /** Index of the network with this model hash (lowercase hex), scanning as far as needed. */
  lookup(hash: string): number | undefined {
    const hit = this.map.get(hash);
    if (hit !== undefined) return hit;
    while (this.next < this.total) {
      const i = this.next++;
      const h = this.hashAt(i);
      this.map.set(h, i);
      if (h === hash) return i;
    }
    return undefined;
  }

  /** Scan everything (for benches and tests); returns the number of networks hashed. */
  complete(): number {
    this.lookup('');
    return this.map.size;
  }

  private hashAt(index: number): string {
    const u0 = index % PER_STAGE;
    const u1 = Math.floor(index / PER_STAGE) % PER_STAGE;
    const u2 = Math.floor(index / (PER_STAGE * PER_STAGE));
    this.assemble(u0, u1, u2);
    const { ins, outs, labels, present } = this;
    let h = this.h;
    let next = this.hNext;
    const ids = this.ids;
    let n = 0;
    for (let v = 0; v < SLOTS; v++) if (present[v]) ids[n++] = v;
    for (let i = 0; i < n; i++) {
      const v = ids[i]!;
      const key = initialKey(outs[v]!.length, ins[v]!.length, labels[v]!);
      let d = this.initial.get(key);
      if (d === undefined) {
        d = md5hex(key);
        this.initial.set(key, d);
      }
      h[v] = d;
    }
    for (let t = 0; t < n; t++) {
      for (let i = 0; i < n; i++) {
        const v = ids[i]!;
        next[v] = md5hex(`${sortedJoin(h, ins[v]!)}|${sortedJoin(h, outs[v]!)}|${h[v]}`);
      }
      [h, next] = [next, h];
    }
    const last: string[] = new Array(n);
    for (let i = 0; i < n; i++) last[i] = h[ids[i]!]!;
    return md5hex(pyStrList(last.sort()));
  }

  /** The minimised graph of (u0, u1, u2) in slot layout, built from each class's optimised nodes. */
  private assemble(u0: number, u1: number, u2: number): void {
    const { ins, outs, labels, present } = this;
    const u = [u0, u1, u2];
    for (let v = 0; v < SLOTS; v++) {
      ins[v]!.length = 0;
      outs[v]!.length = 0;
      present[v] = 0;
    }
    const edge = (a: number, b: number) => {
      outs[a]!.push(b);
      ins[b]!.push(a);
    };
    present[0] = 1;
    labels[0] = -1;
    let entry = 0;
    for (let s = 0; s < STAGES; s++) {
      const nodes = this.classes[u[s]!]!.nodes;
      const n0 = slot(s, 0);
      const n1 = slot(s, 1);
      const red = slot(s, 2);
      present[n0] = 1;
      labels[n0] = nodes[0]![0] + 4 * s;
      edge(entry, n0);
      if (nodes.length === 2) {
        const [op, prev, inp, sc] = nodes[1]!;
        present[n1] = 1;
        labels[n1] = op + 4 * s;
        if (prev) edge(n0, n1);
        if (inp) edge(entry, n1);
        edge(n1, red);
        if (sc) edge(n0, red);
      } else {
        edge(n0, red);
      }
      present[red] = 1;
      labels[red] = 3 + 4 * s;
      entry = red;
    }
    edge(entry, OUTPUT);
    present[OUTPUT] = 1;
    labels[OUTPUT] = -2;
    // Edge lists are appended in slot order of their construction; hashing sorts, so order is irrelevant.
  }
}

function sortedJoin(h: readonly string[], ids: readonly number[]): string {
  switch (ids.length) {
    case 0:
      return '';
    case 1:
      return h[ids[0]!]!;
    case 2: {
      const a = h[ids[0]!]!;
      const b = h[ids[1]!]!;
      return a < b ? a + b : b + a;
    }
    default:
      return ids
        .map((i) => h[i]!)
        .sort()
        .join('');
  }
}
