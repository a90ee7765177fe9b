import type { Algorithm, Digests } from './algorithms.js';
import { createHasher, type Hasher } from './create-hasher.js';

/**
 * Several digests in one pass: each chunk is handed to every hasher in turn, read in
 * place (no copy), and counted.
 */
export class MultiHasher {
  #bytes: number;
  #digests: Digests | undefined;

  constructor(
    readonly hashers: readonly Hasher[],
    bytes = 0,
  ) {
    this.#bytes = bytes;
  }

  get algorithms(): Algorithm[] {
    return this.hashers.map((h) => h.algorithm);
  }

  /** Bytes fed so far (including a resumed prefix). */
  get bytes(): number {
    return this.#bytes;
  }

  update(chunk: Uint8Array): void {
    if (this.#digests !== undefined) throw new Error('MultiHasher.update after digest');
    for (const h of this.hashers) h.update(chunk);
    this.#bytes += chunk.byteLength;
  }

  /** The digests; the first call finishes the hashers, later calls return the same. */
  digest(): Digests {
    this.#digests ??= Object.fromEntries(this.hashers.map((h) => [h.algorithm, h.digest()]));
    return this.#digests;
  }

  get finished(): boolean {
    return this.#digests !== undefined;
  }
}

export async function createMultiHasher(algorithms: readonly Algorithm[]): Promise<MultiHasher> {
  return new MultiHasher(await Promise.all(algorithms.map((a) => createHasher(a))));
}
