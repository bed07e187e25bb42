/**
 * The model hash of every BLOX network, in index order, as 16 digest bytes each (BLOX.md §1.5): what the
 * hash -> index table is built from.
 *
 * Every network costs V^2 + 1 MD5s (V <= 11 vertices), ~10.7 M for the space. Two savings are exact:
 * - graphs are assembled directly from the per-stage classes (already minimised) into fixed slots;
 * - locality: after t refinement rounds a vertex's hash depends only on vertices within distance t. The
 *   first reduction (red0) and the second (red1) are cut vertices, and everything that depends on stage 2
 *   lies at or beyond red1, everything that depends on stage 0 at or before red0. So a vertex before red1
 *   keeps, for t < dist(v, red1), the same round-t hash for all 45 choices of stage 2 (memo per (u0, u1)),
 *   and a vertex after red0, for t < dist(v, red0), the same for all 45 choices of stage 0 (memo per
 *   (u1, u2)). This skips ~20% of the MD5s.
 */
import { Buffer } from 'node:buffer';
import type { CellClass } from './cells.js';
import { STAGES } from './encoding.js';
import { md5hex } from './hash.js';

const PER_STAGE = 45;
/** input, (node0, node1, reduction) x 3 stages, output. */
const SLOTS = 2 + 3 * STAGES;
const OUTPUT = SLOTS - 1;
const RED0 = 3;
const RED1 = 6;
/** Slots 0..RED0 are memoised per (u0, u1); slots RED0+1..OUTPUT per (u1, u2). */
const NEAR = RED0 + 1;
const FAR = SLOTS - NEAR;
/** Rounds are 1..V with V <= SLOTS. */
const ROUNDS = SLOTS + 1;
const MAX_DEGREE = 2;
const LABEL_OFFSET = 2; // labels -2..11 -> 0..13

export const DIGEST_BYTES = 16;

export type ScanProgress = (done: number, total: number) => void;

/** Hashes of all networks u0 + 45·u1 + 2025·u2, DIGEST_BYTES each, in index order. */
export function scanModelHashes(classes: readonly CellClass[], progress?: ScanProgress): Buffer {
  return new HashScanner(classes).run(progress);
}

class HashScanner {
  // The current graph in slot layout: in/out neighbours (<= 2 each), labels, which slots exist.
  private readonly ins = new Int8Array(SLOTS * MAX_DEGREE);
  private readonly outs = new Int8Array(SLOTS * MAX_DEGREE);
  private readonly inDeg = new Int8Array(SLOTS);
  private readonly outDeg = new Int8Array(SLOTS);
  private readonly labels = new Int8Array(SLOTS);
  private readonly ids = new Int8Array(SLOTS);
  private n = 0;
  private h: string[] = new Array<string>(SLOTS).fill('');
  private next: string[] = new Array<string>(SLOTS).fill('');
  private readonly finalList: string[] = [];
  /** md5 of `(out.0, in.0, label)` by (out, in, label). */
  private readonly initial: string[] = new Array<string>(3 * 3 * 14).fill('');
  // Locality memos: limit (first round that is NOT reusable) per slot, and the round hashes below it.
  private readonly nearLim = new Int8Array(PER_STAGE * PER_STAGE * NEAR).fill(-1);
  private readonly nearMemo: string[] = new Array<string>(PER_STAGE * PER_STAGE * NEAR * ROUNDS).fill('');
  private readonly farLim = new Int8Array(FAR);
  private readonly farMemo: string[] = new Array<string>(FAR * ROUNDS).fill('');
  private readonly dist = new Int8Array(SLOTS);
  private readonly queue = new Int8Array(SLOTS);

  constructor(private readonly classes: readonly CellClass[]) {
    if (classes.length !== PER_STAGE) throw new Error(`expected ${PER_STAGE} cell classes, got ${classes.length}`);
  }

  run(progress?: ScanProgress): Buffer {
    const total = PER_STAGE ** STAGES;
    const out = Buffer.alloc(total * DIGEST_BYTES);
    let done = 0;
    for (let u2 = 0; u2 < PER_STAGE; u2++) {
      for (let u1 = 0; u1 < PER_STAGE; u1++) {
        for (let u0 = 0; u0 < PER_STAGE; u0++) {
          const index = u0 + PER_STAGE * u1 + PER_STAGE * PER_STAGE * u2;
          out.write(this.hash(u0, u1, u2), index * DIGEST_BYTES, DIGEST_BYTES, 'hex');
        }
        done += PER_STAGE;
        if (progress && done % (PER_STAGE * 45) === 0) progress(done, total);
      }
    }
    progress?.(total, total);
    return out;
  }

  private hash(u0: number, u1: number, u2: number): string {
    this.assemble(u0, u1, u2);
    const { ids, n, inDeg, outDeg, labels, ins, outs } = this;
    const nearKey = u0 + PER_STAGE * u1;
    const nearBase = nearKey * NEAR;
    const fillNear = this.nearLim[nearBase]! < 0;
    const fillFar = u0 === 0; // u0 runs innermost: the (u1, u2) memo is rebuilt for each new (u1, u2)
    if (fillNear) this.limits(RED1, 0, NEAR, this.nearLim, nearBase);
    if (fillFar) this.limits(RED0, NEAR, SLOTS, this.farLim, -NEAR);
    let h = this.h;
    let next = this.next;
    for (let i = 0; i < n; i++) {
      const v = ids[i]!;
      h[v] = this.initialHash(outDeg[v]!, inDeg[v]!, labels[v]!);
    }
    for (let t = 1; t <= n; t++) {
      for (let i = 0; i < n; i++) {
        const v = ids[i]!;
        // Reuse (or record) the round-t hash when it cannot depend on the stage across the cut.
        let memo: string[] | undefined;
        let slot = 0;
        let fill = false;
        if (v < NEAR) {
          if (t < this.nearLim[nearBase + v]!) {
            memo = this.nearMemo;
            slot = (nearBase + v) * ROUNDS + t;
            fill = fillNear;
          }
        } else if (t < this.farLim[v - NEAR]!) {
          memo = this.farMemo;
          slot = (v - NEAR) * ROUNDS + t;
          fill = fillFar;
        }
        if (memo !== undefined && !fill) {
          next[v] = memo[slot]!;
          continue;
        }
        const d = md5hex(
          `${joinSorted(h, ins, v * MAX_DEGREE, inDeg[v]!)}|${joinSorted(h, outs, v * MAX_DEGREE, outDeg[v]!)}|${h[v]}`,
        );
        next[v] = d;
        if (memo !== undefined) memo[slot] = d;
      }
      const swap = h;
      h = next;
      next = swap;
    }
    this.h = h;
    this.next = next;
    const list = this.finalList;
    list.length = n;
    for (let i = 0; i < n; i++) {
      // insertion sort: n <= 11
      const x = h[ids[i]!]!;
      let j = i;
      while (j > 0 && list[j - 1]! > x) {
        list[j] = list[j - 1]!;
        j--;
      }
      list[j] = x;
    }
    return md5hex(`['${list.join("', '")}']`);
  }

  private initialHash(outDeg: number, inDeg: number, label: number): string {
    const k = (outDeg * 3 + inDeg) * 14 + label + LABEL_OFFSET;
    let d = this.initial[k]!;
    if (d === '') {
      d = md5hex(`(${outDeg}.0, ${inDeg}.0, ${label})`);
      this.initial[k] = d;
    }
    return d;
  }

  /** lim[base + v] = undirected distance from `cut` to each slot v in [from, to) (-1 absent -> 0). */
  private limits(cut: number, from: number, to: number, lim: Int8Array, base: number): void {
    const { dist, queue, ins, outs, inDeg, outDeg } = this;
    dist.fill(-1);
    dist[cut] = 0;
    queue[0] = cut;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const v = queue[head++]!;
      for (let k = 0; k < inDeg[v]!; k++) {
        const w = ins[v * MAX_DEGREE + k]!;
        if (dist[w]! < 0) {
          dist[w] = dist[v]! + 1;
          queue[tail++] = w;
        }
      }
      for (let k = 0; k < outDeg[v]!; k++) {
        const w = outs[v * MAX_DEGREE + k]!;
        if (dist[w]! < 0) {
          dist[w] = dist[v]! + 1;
          queue[tail++] = w;
        }
      }
    }
    for (let v = from; v < to; v++) lim[base + v] = Math.max(0, dist[v]!);
  }

  /** The minimised graph of (u0, u1, u2) in slot layout, from each class's optimised nodes. */
  private assemble(u0: number, u1: number, u2: number): void {
    const { inDeg, outDeg, labels, ids } = this;
    inDeg.fill(0);
    outDeg.fill(0);
    let n = 0;
    ids[n++] = 0;
    labels[0] = -1;
    let entry = 0;
    for (let s = 0; s < STAGES; s++) {
      const nodes = this.classes[s === 0 ? u0 : s === 1 ? u1 : u2]!.nodes;
      const n0 = 1 + 3 * s;
      const n1 = n0 + 1;
      const red = n0 + 2;
      ids[n++] = n0;
      labels[n0] = nodes[0]![0] + 4 * s;
      this.edge(entry, n0);
      if (nodes.length === 2) {
        const [op, prev, inp, sc] = nodes[1]!;
        ids[n++] = n1;
        labels[n1] = op + 4 * s;
        if (prev) this.edge(n0, n1);
        if (inp) this.edge(entry, n1);
        this.edge(n1, red);
        if (sc) this.edge(n0, red);
      } else {
        this.edge(n0, red);
      }
      ids[n++] = red;
      labels[red] = 3 + 4 * s;
      entry = red;
    }
    this.edge(entry, OUTPUT);
    ids[n++] = OUTPUT;
    labels[OUTPUT] = -2;
    this.n = n;
  }

  private edge(a: number, b: number): void {
    this.outs[a * MAX_DEGREE + this.outDeg[a]!++] = b;
    this.ins[b * MAX_DEGREE + this.inDeg[b]!++] = a;
  }
}

/** `''.join(sorted(h[w] for w in neighbours))` for at most two neighbours. */
function joinSorted(h: readonly string[], adj: Int8Array, at: number, deg: number): string {
  if (deg === 0) return '';
  const a = h[adj[at]!]!;
  if (deg === 1) return a;
  const b = h[adj[at + 1]!]!;
  return a < b ? a + b : b + a;
}
