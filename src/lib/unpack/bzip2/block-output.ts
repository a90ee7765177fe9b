import type { Block } from './read-block.js';
import { CRC_TABLE } from './bzip2-crc.js';

/**
 * Undoes the BWT (libbzip2's "fast" layout: the successor index goes in the high 24
 * bits of tt beside the byte) and the initial run-length coding (4 equal bytes, then a
 * count 0..255 of further copies), a bounded chunk at a time so that a block that
 * expands 45-fold still streams, and checks the block CRC at the end.
 */
export class BlockOutput {
  private pos: number;
  private left: number;
  private last = -1;
  private same = 0;
  private crc = -1;

  constructor(
    private readonly tt: Uint32Array,
    private readonly block: Block,
  ) {
    const cftab = new Int32Array(256);
    for (let i = 0, sum = 0; i < 256; i++) {
      cftab[i] = sum;
      sum += block.unzftab[i]!;
    }
    for (let i = 0; i < block.count; i++) {
      const b = tt[i]! & 0xff;
      tt[cftab[b]!++]! |= i << 8;
    }
    this.pos = tt[block.origPtr]! >>> 8;
    this.left = block.count;
  }

  get done(): boolean {
    return this.left === 0;
  }

  /** The block's CRC as computed over its output; valid once done. */
  get computedCrc(): number {
    return ~this.crc >>> 0;
  }

  /** Writes up to out.length bytes (out.length ≥ 256); returns how many. */
  fill(out: Buffer): number {
    const tt = this.tt;
    let n = 0;
    let { pos, left, last, same, crc } = this;
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
    Object.assign(this, { pos, left, last, same, crc });
    return n;
  }
}
