import { createHash, type Hash } from 'node:crypto';
import { integrityError } from '../errors/dl-error.js';
import type { Bmap, BmapRange } from './bmap-file.js';

/**
 * Checks the image's bytes against the bmap's per-range checksums as they stream past in
 * order (bmaptool does the same while copying): a range whose bytes differ fails the run
 * with 65 naming it. Fed from the writer's observe hook, so no extra read.
 */
export class RangeChecker {
  #index = 0;
  #hash: Hash | undefined;

  constructor(
    readonly bmap: Bmap,
    /** What is checked: 'image' while writing, a device path on read-back. */
    readonly what = 'image',
  ) {}

  add(bytes: Uint8Array, position: number): void {
    let at = 0;
    while (at < bytes.length) {
      const range = this.#rangeAt(position + at);
      const n = Math.min(bytes.length - at, range.end - (position + at));
      this.#hash ??= createHash(this.bmap.checksumType);
      this.#hash.update(bytes.subarray(at, at + n));
      at += n;
      if (position + at === range.end) this.#close(range);
    }
  }

  /** All ranges seen and matching. */
  get complete(): boolean {
    return this.#index === this.bmap.ranges.length;
  }

  #rangeAt(offset: number): BmapRange {
    const r = this.bmap.ranges[this.#index];
    if (!r || offset < r.start || offset >= r.end) throw new RangeError(`offset ${offset} is not where the next mapped range is`);
    return r;
  }

  #close(range: BmapRange): void {
    const actual = this.#hash!.digest('hex');
    this.#hash = undefined;
    this.#index++;
    if (range.checksum !== undefined && actual !== range.checksum) {
      throw integrityError(
        `${this.what} does not match the bmap: the range at offset ${range.start} (${range.end - range.start} bytes) has ${this.bmap.checksumType} ${actual}, the bmap says ${range.checksum}`,
        { offset: range.start, expected: range.checksum, actual },
        'the image and its bmap do not go together, or the bytes are damaged',
      );
    }
  }
}
