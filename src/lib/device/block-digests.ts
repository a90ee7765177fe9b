import { createXxh3Stream, type Xxh3Stream } from './xxh3.js';

/** Digest granularity: a mismatch is located to within this many bytes without the source. */
export const DIGEST_BLOCK_SIZE = 1 << 20;
const DIGEST_BYTES = 8;
/** Named in the `verify` event and in checkpoints, whose digests only this algorithm can extend. */
export const BLOCK_DIGEST_ALGORITHM = 'xxh3-blocks';

/**
 * XXH3-64 of every 1 MiB block of an image, in order (the last block may be short). Taken
 * while writing, and again from what the drive gives back: blocks are independent, so
 * read-back can hash them in any order, and a mismatch names its block. On the two cores
 * here the read-back's hashing shares the machine with the kernel copying the reads, so
 * its cost is the verify pass's: XXH3 (native, ~20 GB/s of CPU time) took 30% less than
 * xxh64 did, where sha256 (~1.6 GB/s) would slow a fast drive. The image's digest (the
 * `verify` event's) is the XXH3-64 of the block digests.
 */
export class BlockDigests {
  readonly #digests: Uint8Array[] = [];
  readonly #hasher: Xxh3Stream;
  #partial = 0;
  #bytes = 0;

  private constructor(hasher: Xxh3Stream, readonly blockSize: number) {
    this.#hasher = hasher;
  }

  static async create(blockSize = DIGEST_BLOCK_SIZE): Promise<BlockDigests> {
    return new BlockDigests(await createXxh3Stream(), blockSize);
  }

  /** Digests already known, in block order (read-back results). */
  static async of(blockSize: number, digests: readonly Uint8Array[], bytes: number): Promise<BlockDigests> {
    const d = await BlockDigests.create(blockSize);
    d.#digests.push(...digests);
    d.#bytes = bytes;
    return d;
  }

  /** Restores what prefixBase64() saved in a checkpoint. */
  static async restore(saved: { blockSize: number; digests: string }): Promise<BlockDigests> {
    const d = await BlockDigests.create(saved.blockSize);
    const raw = Buffer.from(saved.digests, 'base64');
    if (raw.length % DIGEST_BYTES !== 0) throw new TypeError('block digests: length is not a multiple of 8');
    for (let at = 0; at < raw.length; at += DIGEST_BYTES) d.#digests.push(raw.subarray(at, at + DIGEST_BYTES));
    d.#bytes = d.#digests.length * saved.blockSize;
    return d;
  }

  /** Bytes covered so far. */
  get bytes(): number {
    return this.#bytes;
  }

  get count(): number {
    return this.#digests.length;
  }

  /** Feeds the image's next bytes (contiguous with the previous ones). */
  add(bytes: Uint8Array): void {
    this.#bytes += bytes.length;
    let at = 0;
    while (at < bytes.length) {
      const n = Math.min(this.blockSize - this.#partial, bytes.length - at);
      this.#hasher.update(bytes.subarray(at, at + n));
      this.#partial += n;
      at += n;
      if (this.#partial === this.blockSize) this.#close();
    }
  }

  /** Closes a short last block; call once the image has ended. */
  finish(): this {
    if (this.#partial > 0) this.#close();
    return this;
  }

  #close(): void {
    this.#digests.push(this.#hasher.digest());
    this.#partial = 0;
  }

  /** Index of the first block whose digest differs from `other`'s, or -1 when all agree. */
  firstDifference(other: BlockDigests): number {
    const n = Math.max(this.count, other.count);
    for (let i = 0; i < n; i++) {
      const a = this.at(i);
      const b = other.at(i);
      if (!a || !b || Buffer.compare(a, b) !== 0) return i;
    }
    return -1;
  }

  at(index: number): Uint8Array | undefined {
    return this.#digests[index];
  }

  /** The image's digest: XXH3-64 over the block digests, hex. */
  summary(): string {
    if (this.#partial !== 0) throw new Error('BlockDigests.summary inside a block');
    for (const d of this.#digests) this.#hasher.update(d);
    return Buffer.from(this.#hasher.digest()).toString('hex');
  }

  /** The digests of the blocks below `position` (a block boundary), for a checkpoint. */
  prefixBase64(position: number): string {
    if (position % this.blockSize !== 0 || position > this.#digests.length * this.blockSize) throw new RangeError(`no whole-block digests up to ${position}`);
    return Buffer.concat(this.#digests.slice(0, position / this.blockSize)).toString('base64');
  }
}
