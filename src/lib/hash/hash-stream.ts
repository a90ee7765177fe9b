import { Transform, type TransformCallback } from 'node:stream';
import type { Algorithm, Digests } from './algorithms.js';
import { createMultiHasher, type MultiHasher } from './multi-hasher.js';
import { verifyDigests } from './verify-digests.js';

export interface HashStreamOptions {
  /** Digests the bytes must have: on mismatch the stream fails at its end with DL_ERR_INTEGRITY
   * (exit 65) instead of finishing, so the pipeline reports the failure. */
  expect?: Digests;
}

/**
 * Pass-through pipeline stage hashing the bytes going by: every chunk is hashed in
 * place and pushed on unchanged (same Buffer, no copy). After the pipeline finishes,
 * `hasher.digest()` and `hasher.bytes` hold the result.
 */
export class HashStream extends Transform {
  readonly #expect: Digests | undefined;

  constructor(
    readonly hasher: MultiHasher,
    options: HashStreamOptions = {},
  ) {
    super();
    this.#expect = options.expect;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hasher.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.#expect !== undefined) verifyDigests(this.hasher.digest(), this.#expect);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** A HashStream over fresh hashers for these algorithms. */
export async function createHashStream(
  algorithms: readonly Algorithm[],
  options: HashStreamOptions = {},
): Promise<HashStream> {
  return new HashStream(await createMultiHasher(algorithms), options);
}
