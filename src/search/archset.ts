/**
 * A set of architecture indices (non-negative safe integers) in one typed array: open addressing with
 * linear probing, -1 marks an empty slot, and the table doubles at half load. Unlike a `Set<number>` it
 * never boxes indices above 2^31, and it allocates only when it grows.
 */
export class ArchSet {
  private keys: Float64Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1024) {
    let size = 16;
    while (size < 2 * capacity) size *= 2;
    this.keys = new Float64Array(size).fill(-1);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  has(arch: number): boolean {
    const keys = this.keys;
    for (let i = slotOf(arch, this.mask); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === arch) return true;
      if (k === -1) return false;
    }
  }

  add(arch: number): void {
    const keys = this.keys;
    let i = slotOf(arch, this.mask);
    for (;;) {
      const k = keys[i]!;
      if (k === arch) return;
      if (k === -1) break;
      i = (i + 1) & this.mask;
    }
    keys[i] = arch;
    if (++this.count * 2 > keys.length) this.grow();
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Float64Array(old.length * 2).fill(-1);
    this.mask = this.keys.length - 1;
    for (let t = 0; t < old.length; t++) {
      const k = old[t]!;
      if (k === -1) continue;
      let i = slotOf(k, this.mask);
      while (this.keys[i] !== -1) i = (i + 1) & this.mask;
      this.keys[i] = k;
    }
  }
}

/** Home slot: both 32-bit halves of the index mixed (murmur3 finalizer), so strided indices spread out. */
function slotOf(arch: number, mask: number): number {
  let h = (arch >>> 0) ^ Math.imul(Math.floor(arch / 4294967296), 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}
