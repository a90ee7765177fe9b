import type { Block } from './read-block.js';
import { CRC_TABLE } from './bzip2-crc.js';

/** Where the output of a block stands: plain numbers, so it can move between threads. */
export interface OutputState {
  /** Index into tt of the next BWT entry. */
  pos: number;
  /** BWT entries not yet output. */
  left: number;
  last: number;
  same: number;
  crc: number;
}

/**
 * Undoes the BWT (libbzip2's "fast" layout: the successor index goes in the high 24
 * bits of tt beside the byte) and the initial run-length coding (4 equal bytes, then a
 * count 0..255 of further copies), a bounded chunk at a time so that a block that
 * expands 45-fold still streams, and checks the block CRC at the end. A block's output
 * may be produced in several pieces, on different threads: the state says where it is.
 */
export class BlockOutput {
  constructor(
    private readonly tt: Uint32Array,
    readonly state: OutputState,
  ) {}

  /** Links tt for the inverse BWT; returns the state before the block's first byte. */
  static link(tt: Uint32Array, block: Block): OutputState {
    const cftab = new Int32Array(256);
    for (let i = 0, sum = 0; i < 256; i++) {
      cftab[i] = sum;
      sum += block.unzftab[i]!;
    }
    for (let i = 0; i < block.count; i++) {
      const b = tt[i]! & 0xff;
      tt[cftab[b]!++]! |= i << 8;
    }
    return { pos: tt[block.origPtr]! >>> 8, left: block.count, last: -1, same: 0, crc: -1 };
  }

  get done(): boolean {
    return this.state.left === 0;
  }

  /** The block's CRC as computed over its output; valid once done. */
  get computedCrc(): number {
    return ~this.state.crc >>> 0;
  }

  /** Writes up to out.length bytes (out.length ≥ 256); returns how many. */
  fill(out: Uint8Array): number {
    const tt = this.tt;
    let n = 0;
    let { pos, left, last, same, crc } = this.state;
    const limit = out.length - 255;
    while (left > 0 && n < limit) {
      const t = tt[pos]!;
      const b = t & 0xff;
      pos = t >>> 8;
      left--;
      if (same === 4) {
        for (let k = 0; k < b; k++) {
          out[n++] = last;
          crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ last) & 0xff]!;
        }
        same = 0;
        continue;
      }
      same = b === last ? same + 1 : 1;
      last = b;
      out[n++] = b;
      crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!;
    }
    Object.assign(this.state, { pos, left, last, same, crc });
    return n;
  }
}
