import type { FileHandle } from 'node:fs/promises';
import { ByteRanges } from '../checkpoint/byte-ranges.js';
import type { Algorithm, Digests } from '../hash/algorithms.js';
import { hasherFor } from './lazy-hasher.js';
import { HashFollower } from './hash-follower.js';

/** The done ranges of one attempt at a file and, with --expect, its in-order hashing. */
export class DownloadState {
  fetched = 0;

  private constructor(
    readonly done: ByteRanges,
    readonly follower: HashFollower | undefined,
  ) {}

  static async create(fh: FileHandle, path: string, done: ByteRanges, algorithms: readonly Algorithm[]): Promise<DownloadState> {
    const hasher = await hasherFor(algorithms);
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
