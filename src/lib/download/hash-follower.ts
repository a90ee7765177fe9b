import type { FileHandle } from 'node:fs/promises';
import type { ByteRanges } from '../checkpoint/byte-ranges.js';
import { fsError } from '../fs/fs-error.js';
import type { Digests } from '../hash/algorithms.js';
import type { HashState } from './file-checkpoint.js';
import type { MultiHasher } from '../hash/multi-hasher.js';

const READ_BYTES = 4 * 1024 * 1024;

/**
 * Hashes a file being written out of order, in order. Bytes written exactly at the hashed
 * offset are hashed from memory as they land; anything else (other segments, a resumed
 * prefix) is read back from the file once the done ranges make it contiguous. So one
 * connection hashes as it streams, and segments or resumes still get a full digest; a
 * resume starts from the saved hasher state when there is one, else re-hashes the prefix.
 */
export class HashFollower {
  #reading: Promise<void> | undefined;
  #buffer: Buffer | undefined;

  constructor(
    private readonly hasher: MultiHasher,
    private readonly fh: FileHandle,
    private readonly path: string,
    private readonly done: ByteRanges,
  ) {}

  get hashed(): number {
    return this.hasher.bytes;
  }

  /** Called after each write landed (and was added to the done ranges). */
  written(position: number, chunks: readonly Buffer[]): void {
    if (this.#reading === undefined && position === this.hasher.bytes) {
      for (const c of chunks) this.hasher.update(c);
      return;
    }
    this.#catchUp();
  }

  /** The hashers' exported state and how many bytes it covers, or undefined if one cannot export. */
  saveState(): HashState | undefined {
    const states: HashState['states'] = {};
    for (const h of this.hasher.hashers) {
      const state = h.save();
      if (state === null) return undefined;
      states[h.algorithm] = Buffer.from(state).toString('base64');
    }
    return { bytes: this.hasher.bytes, states };
  }

  digest(): Digests {
    return this.hasher.digest();
  }

  /** Hashes everything contiguous from the hashed offset; resolves when caught up. */
  async settle(): Promise<void> {
    this.#catchUp();
    while (this.#reading) await this.#reading;
  }

  #contiguousEnd(): number {
    const at = this.hasher.bytes;
    const r = this.done.ranges.find(([s, e]) => s <= at && at < e);
    return r ? r[1] : at;
  }

  #catchUp(): void {
    if (this.#reading || this.#contiguousEnd() <= this.hasher.bytes) return;
    this.#reading = this.#readBack().finally(() => (this.#reading = undefined));
    this.#reading.catch(() => undefined);
  }

  async #readBack(): Promise<void> {
    this.#buffer ??= Buffer.allocUnsafe(READ_BYTES);
    for (let end = this.#contiguousEnd(); this.hasher.bytes < end; end = this.#contiguousEnd()) {
      const at = this.hasher.bytes;
      const want = Math.min(READ_BYTES, end - at);
      let got: number;
      try {
        ({ bytesRead: got } = await this.fh.read(this.#buffer, 0, want, at));
      } catch (err) {
        throw fsError(err, this.path, 'read');
      }
      if (got === 0) throw fsError(Object.assign(new Error('unexpected end of file'), { code: 'EIO' }), this.path, 'read');
      this.hasher.update(this.#buffer.subarray(0, got));
    }
  }
}
