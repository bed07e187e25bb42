/**
 * Model hash <-> BLOX index over the digests of all networks (16 bytes each, index order). Lookup: the
 * networks sorted by the first 32 bits of their digest, a start offset per 16-bit prefix (MD5 bits are
 * uniform: ~1.4 networks per bucket) and a scan of that bucket comparing all 16 bytes.
 */
import type { Buffer } from 'node:buffer';
import { DIGEST_BYTES } from './hashScan.js';

/** Key = prefix32 * 2^17 + index: exact in a float64 (< 2^49), sortable natively. */
const INDEX_BITS = 2 ** 17;
const HEX32 = /^[0-9a-fA-F]{32}$/;
const BUCKETS = 2 ** 16;

export class ModelHashTable {
  readonly size: number;
  private readonly sorted: Float64Array;
  /** sorted[start[b] .. start[b + 1]) are the networks whose digest starts with the 16 bits b. */
  private readonly start = new Int32Array(BUCKETS + 1);

  /** `digests`: DIGEST_BYTES per network, in index order. */
  constructor(readonly digests: Buffer) {
    if (digests.length % DIGEST_BYTES !== 0) throw new Error('digest bytes are not a multiple of 16');
    this.size = digests.length / DIGEST_BYTES;
    if (this.size > INDEX_BITS) throw new Error(`too many networks for the hash table: ${this.size}`);
    const keys = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) keys[i] = digests.readUInt32BE(i * DIGEST_BYTES) * INDEX_BITS + i;
    this.sorted = keys.sort();
    for (let i = 0; i < this.size; i++) this.start[digests.readUInt16BE(i * DIGEST_BYTES) + 1]!++;
    for (let b = 0; b < BUCKETS; b++) this.start[b + 1]! += this.start[b]!;
  }

  /** Lowercase hex model hash of network `index`. */
  hashAt(index: number): string {
    return this.digests.toString('hex', index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES);
  }

  /** Index of the network with this model hash (32 hex digits, any case), or undefined. */
  indexOf(hash: string): number | undefined {
    if (!HEX32.test(hash)) return undefined;
    const w0 = Number.parseInt(hash.slice(0, 8), 16);
    const keys = this.sorted;
    const lo0 = w0 * INDEX_BITS;
    const bucket = w0 >>> 16;
    let k = this.start[bucket]!;
    const end = this.start[bucket + 1]!;
    while (k < end && keys[k]! < lo0) k++;
    const d = this.digests;
    for (; k < end && keys[k]! < lo0 + INDEX_BITS; k++) {
      const at = (keys[k]! - lo0) * DIGEST_BYTES;
      if (
        d.readUInt32BE(at + 4) === Number.parseInt(hash.slice(8, 16), 16) &&
        d.readUInt32BE(at + 8) === Number.parseInt(hash.slice(16, 24), 16) &&
        d.readUInt32BE(at + 12) === Number.parseInt(hash.slice(24, 32), 16)
      )
        return at / DIGEST_BYTES;
    }
    return undefined;
  }
}
