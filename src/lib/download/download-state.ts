import type { FileHandle } from 'node:fs/promises';
import { ByteRanges } from '../checkpoint/byte-ranges.js';
import type { Algorithm, Digests } from '../hash/algorithms.js';
import type { HashState } from './file-checkpoint.js';
import { hasherFor } from './lazy-hasher.js';
import { HashFollower } from './hash-follower.js';

/** The done ranges of one attempt at a file and, with --expect, its in-order hashing. */
export class DownloadState {
  fetched = 0;

  private constructor(
    readonly done: ByteRanges,
    readonly follower: HashFollower | undefined,
  ) {}

  static async create(fh: FileHandle, path: string, done: ByteRanges, algorithms: readonly Algorithm[], saved?: HashState): Promise<DownloadState> {
    // A saved state is usable only for a prefix the done ranges still hold from byte 0.
    const first = done.ranges[0];
    const usable = saved && first && first[0] === 0 && saved.bytes <= first[1] ? saved : undefined;
    const hasher = await hasherFor(algorithms, usable);
    const follower = hasher ? new HashFollower(hasher, fh, path, done) : undefined;
    return new DownloadState(done, follower);
  }

  /** BatchWriter's onWritten: the bytes are on disk now. */
  readonly written = (position: number, chunks: readonly Buffer[], bytes: number): void => {
    this.done.add(position, position + bytes);
    this.fetched += bytes;
    this.follower?.written(position, chunks);
  };

  /** Finishes hashing (reading back what was not hashed in flight). */
  async digests(): Promise<Digests> {
    if (!this.follower) return {};
    await this.follower.settle();
    return this.follower.digest();
  }
}
