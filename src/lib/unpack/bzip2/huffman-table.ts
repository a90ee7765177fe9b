import type { BitReader } from './bit-reader.js';

/**
 * Canonical Huffman decoding for one bzip2 coding group (code lengths 1..20, codes
 * assigned in order of length then symbol, as libbzip2's hbAssignCodes does). Codes up
 * to FAST_BITS long resolve with one table lookup; longer ones walk the lengths.
 */
const FAST_BITS = 10;
export const MAX_CODE_LEN = 20;

export class HuffmanTable {
  /** (symbol << 5) | length, or 0 when the code is longer than FAST_BITS. */
  private readonly fast = new Int32Array(1 << FAST_BITS);
  private readonly firstCode = new Int32Array(MAX_CODE_LEN + 2);
  private readonly count = new Int32Array(MAX_CODE_LEN + 2);
  private readonly offset = new Int32Array(MAX_CODE_LEN + 2);
  private readonly perm: Int32Array;
  private maxLen = 0;

  constructor(lengths: Uint8Array, alphaSize: number) {
    this.perm = new Int32Array(alphaSize);
    for (let i = 0; i < alphaSize; i++) this.count[lengths[i]!]!++;
    let code = 0;
    let index = 0;
    for (let len = 1; len <= MAX_CODE_LEN; len++) {
      this.firstCode[len] = code;
      this.offset[len] = index;
      for (let s = 0; s < alphaSize; s++) if (lengths[s] === len) this.assign(s, len, code++, index++);
      if (this.count[len]! > 0) this.maxLen = len;
      code <<= 1;
    }
  }

  private assign(symbol: number, len: number, code: number, index: number): void {
    this.perm[index] = symbol;
    if (len > FAST_BITS) return;
    const shift = FAST_BITS - len;
    const start = code << shift;
    this.fast.fill((symbol << 5) | len, start, start + (1 << shift));
  }

  decode(r: BitReader): number {
    const e = this.fast[r.peek(FAST_BITS)]!;
    if (e !== 0) {
      r.skip(e & 31);
      return e >>> 5;
    }
    for (let len = FAST_BITS + 1; len <= this.maxLen; len++) {
      const rel = r.peek(len) - this.firstCode[len]!;
      if (rel >= 0 && rel < this.count[len]!) {
        r.skip(len);
        return this.perm[this.offset[len]! + rel]!;
      }
    }
    throw r.fail('invalid Huffman code');
  }
}
