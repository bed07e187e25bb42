/**
 * Model hash <-> BLOX index over the digests of all networks (16 bytes each, index order). Lookup is a
 * binary search over the networks sorted by the first 32 bits of their digest, then a full 16-byte
 * compare (MD5 bits are uniform, so equal 32-bit prefixes are rare).
 */
import { Buffer } from 'node:buffer';
import { DIGEST_BYTES } from './hashScan.js';

/** Key = prefix32 * 2^17 + index: exact in a float64 (< 2^49), sortable natively. */
const INDEX_BITS = 2 ** 17;
const HEX32 = /^[0-9a-fA-F]{32}$/;

export class ModelHashTable {
  readonly size: number;
  private readonly sorted: Float64Array;

  /** `digests`: DIGEST_BYTES per network, in index order. */
  constructor(readonly digests: Buffer) {
    if (digests.length % DIGEST_BYTES !== 0) throw new Error('digest bytes are not a multiple of 16');
    this.size = digests.length / DIGEST_BYTES;
    if (this.size > INDEX_BITS) throw new Error(`too many networks for the hash table: ${this.size}`);
    const keys = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) keys[i] = digests.readUInt32BE(i * DIGEST_BYTES) * INDEX_BITS + i;
    this.sorted = keys.sort();
  }

  /** Lowercase hex model hash of network `index`. */
  hashAt(index: number): string {
    return this.digests.toString('hex', index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES);
  }

  /** Index of the network with this model hash (32 hex digits, any case), or undefined. */
  indexOf(hash: string): number | undefined {
    if (!HEX32.test(hash)) return undefined;
    const want = Buffer.from(hash, 'hex');
    const prefix = want.readUInt32BE(0);
    const keys = this.sorted;
    const lo0 = prefix * INDEX_BITS;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < lo0) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < keys.length && keys[k]! < lo0 + INDEX_BITS; k++) {
      const index = keys[k]! - lo0;
      if (this.digests.compare(want, 0, DIGEST_BYTES, index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES) === 0)
        return index;
    }
    return undefined;
  }
}
