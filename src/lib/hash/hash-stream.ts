import { Transform, type TransformCallback } from 'node:stream';
import type { Algorithm, Digests } from './algorithms.js';
import { createMultiHasher, type MultiHasher } from './multi-hasher.js';
import { verifyDigests } from './verify-digests.js';

export interface HashStreamOptions {
  /** Digests the bytes must have: on mismatch the stream fails at its end with DL_ERR_INTEGRITY
   * (exit 65) instead of finishing, so the pipeline reports the failure. The last chunk is
   * held back until the digest is known, so a downstream stage never receives a whole
   * stream that failed: a compressed stream ends truncated and its decoder fails too. */
  expect?: Digests;
}

/**
 * Pass-through pipeline stage hashing the bytes going by: every chunk is hashed in
 * place and pushed on unchanged (same Buffer, no copy). After the pipeline finishes,
 * `hasher.digest()` and `hasher.bytes` hold the result.
 */
export class HashStream extends Transform {
  readonly #expect: Digests | undefined;
  #held: Buffer | undefined;

  constructor(
    readonly hasher: MultiHasher,
    options: HashStreamOptions = {},
  ) {
    super();
    this.#expect = options.expect;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hasher.update(chunk);
    if (this.#expect === undefined) return callback(null, chunk);
    const previous = this.#held;
    this.#held = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.#expect !== undefined) verifyDigests(this.hasher.digest(), this.#expect);
      callback(null, this.#held);
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
