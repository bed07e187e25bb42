/**
 * Pareto local search (Paquete et al. 2004) on the mixed-radix neighbourhood: neighbours of an architecture
 * differ in exactly one decision (any other allowed choice). It keeps an archive of the non-dominated
 * architectures told so far; each step takes an unexplored archive member (uniformly at random), queues
 * its not-yet-asked neighbours in random order and marks it explored. It starts from `init` (default 10)
 * random architectures and restarts from a random one whenever the archive has nothing left to explore.
 * State lives in typed buffers (the archive and the set of asked architectures grow by doubling): no
 * allocation per ask or tell.
 */
import { fail } from '../errors.js';
import { Rng } from '../rng.js';
import { type AllowedChoices, AllowedSpace } from '../space/allowed.js';
import { ArchSet } from './archset.js';
import { checked } from './re.js';
import type { Strategy, StrategyConfig, StrategyOptions, TellHook } from './types.js';

export class ParetoLocalSearch implements Strategy {
  readonly name = 'ls';
  readonly space: AllowedSpace;
  private readonly rng: Rng;
  private readonly m: number;
  private readonly init: number;
  /** Archive in insertion order: member i is archArch[i] with objectives archObj[i*m .. i*m+m). */
  private archArch = new Float64Array(16);
  private archObj: Float64Array;
  private archExplored = new Uint8Array(16);
  private archSize = 0;
  /** Shuffled neighbours of the member being explored, asked from queue[queueHead] on. */
  private queue: Float64Array;
  private queueHead = 0;
  private queueSize = 0;
  private readonly askedSet = new ArchSet();
  private asked = 0;
  /** Allowed codes of decision d at choices[choiceStart[d] .. choiceStart[d + 1]), ascending. */
  private choices = new Int32Array(0);
  private readonly choiceStart: Int32Array;
  /** The objectives being told. */
  private readonly told: Float64Array;
  /** Adaptive pruning's hook, told after every tell (search/adaptive.ts). */
  private hook: TellHook | null = null;

  constructor(cfg: StrategyConfig, opts: StrategyOptions = {}) {
    const init = opts.init ?? 10;
    if (!Number.isInteger(init) || init < 1) fail(`local search init must be a positive integer, got ${init}`);
    this.init = init;
    this.space = new AllowedSpace(cfg.radix, cfg.allowed);
    this.rng = new Rng(cfg.seed);
    this.m = cfg.objectives;
    this.archObj = new Float64Array(16 * this.m);
    this.told = new Float64Array(this.m);
    this.choiceStart = new Int32Array(this.space.decisions + 1);
    this.queue = new Float64Array(0);
    this.refreshChoices();
  }

  /** The allowed codes per decision and a queue long enough for one neighbour per other allowed choice. */
  private refreshChoices(): void {
    const sp = this.space;
    const codes: number[] = [];
    for (let d = 0; d < sp.decisions; d++) {
      codes.push(...sp.allowedOf(d));
      this.choiceStart[d + 1] = codes.length;
    }
    this.choices = Int32Array.from(codes);
    const queue = new Float64Array(codes.length - sp.decisions);
    queue.set(this.queue.subarray(this.queueHead, this.queueSize));
    this.queueSize -= this.queueHead;
    this.queueHead = 0;
    this.queue = queue;
  }

  /**
   * Adaptive pruning restored blocks: the archive members are explored again, so their neighbours
   * through the restored blocks are queued (those asked before are skipped as always).
   */
  setTellHook(hook: TellHook | null): void {
    this.hook = hook;
  }

  widen(allowed: AllowedChoices): void {
    this.space.widen(allowed);
    this.refreshChoices();
    this.archExplored.fill(0, 0, this.archSize);
  }

  /** The non-dominated architectures told so far, in insertion order. */
  archiveArchs(): number[] {
    return Array.from(this.archArch.subarray(0, this.archSize));
  }

  ask(): number {
    const arch = this.next();
    this.askedSet.add(arch);
    this.asked++;
    return arch;
  }

  private next(): number {
    if (this.asked < this.init) return this.space.random(this.rng);
    while (this.queueHead === this.queueSize) {
      let open = 0;
      for (let i = 0; i < this.archSize; i++) if (this.archExplored[i] === 0) open++;
      if (open === 0) return this.space.random(this.rng); // restart
      // the r-th unexplored member, in archive order
      let r = this.rng.nextInt(open);
      let i = 0;
      for (; ; i++) {
        if (this.archExplored[i] !== 0) continue;
        if (r === 0) break;
        r--;
      }
      this.archExplored[i] = 1;
      this.queueNeighbours(this.archArch[i]!);
    }
    return this.queue[this.queueHead++]!;
  }

  /** Queue the not-yet-asked one-decision neighbours of `arch` in random order (Fisher-Yates, as Rng.shuffle). */
  private queueNeighbours(arch: number): void {
    const sp = this.space;
    const q = this.queue;
    let len = 0;
    for (let d = 0; d < sp.decisions; d++) {
      const own = sp.code(arch, d);
      for (let t = this.choiceStart[d]!; t < this.choiceStart[d + 1]!; t++) {
        const c = this.choices[t]!;
        if (c === own) continue;
        const nb = sp.withCode(arch, d, c);
        if (!this.askedSet.has(nb)) q[len++] = nb;
      }
    }
    for (let i = len - 1; i > 0; i--) {
      const j = this.rng.nextInt(i + 1);
      const tmp = q[i]!;
      q[i] = q[j]!;
      q[j] = tmp;
    }
    this.queueHead = 0;
    this.queueSize = len;
  }

  tell(arch: number, objectives: ArrayLike<number>): void {
    if (objectives.length !== this.m) fail(`told ${objectives.length} objectives, expected ${this.m}`);
    if (!this.space.contains(arch)) fail(`architecture ${arch} is not in the (pruned) space`);
    for (let o = 0; o < this.m; o++) this.told[o] = checked(arch, objectives[o]!);
    this.archive(arch);
    if (this.hook !== null) this.hook.told(objectives, 0);
  }

  tellFrom(arch: number, values: Float64Array, offset: number): void {
    if (!this.space.contains(arch)) fail(`architecture ${arch} is not in the (pruned) space`);
    for (let o = 0; o < this.m; o++) this.told[o] = checked(arch, values[offset + o]!);
    this.archive(arch);
    if (this.hook !== null) this.hook.told(values, offset);
  }

  /** Add `arch` (objectives in `told`) unless archived or dominated; drop the members it dominates, keeping order. */
  private archive(arch: number): void {
    const m = this.m;
    const obj = this.archObj;
    const told = this.told;
    const size = this.archSize;
    for (let i = 0; i < size; i++) {
      if (this.archArch[i] === arch || dominates(obj, i * m, told, 0, m)) return;
    }
    let kept = 0;
    for (let i = 0; i < size; i++) {
      if (dominates(told, 0, obj, i * m, m)) continue;
      if (kept !== i) {
        this.archArch[kept] = this.archArch[i]!;
        this.archExplored[kept] = this.archExplored[i]!;
        obj.copyWithin(kept * m, i * m, i * m + m);
      }
      kept++;
    }
    if (kept === this.archArch.length) this.growArchive();
    this.archArch[kept] = arch;
    this.archExplored[kept] = 0;
    this.archObj.set(told, kept * m);
    this.archSize = kept + 1;
  }

  private growArchive(): void {
    const cap = this.archArch.length * 2;
    const arch = new Float64Array(cap);
    const obj = new Float64Array(cap * this.m);
    const explored = new Uint8Array(cap);
    arch.set(this.archArch);
    obj.set(this.archObj);
    explored.set(this.archExplored);
    this.archArch = arch;
    this.archObj = obj;
    this.archExplored = explored;
  }
}

/**
 * x[xi..xi+m) dominates y[yi..yi+m) (all <=, one <). Equal vectors do not dominate: different architectures
 * with equal objectives both stay.
 */
function dominates(x: Float64Array, xi: number, y: Float64Array, yi: number, m: number): boolean {
  let lt = false;
  for (let o = 0; o < m; o++) {
    const a = x[xi + o]!;
    const b = y[yi + o]!;
    if (a > b) return false;
    if (a < b) lt = true;
  }
  return lt;
}
