import type { Algorithm } from '../hash/algorithms.js';
import type { MultiHasher } from '../hash/multi-hasher.js';

/**
 * A MultiHasher for `algorithms`, or undefined when none is asked for. The hash stack
 * (hash-wasm, native bindings) is loaded only then: most downloads check nothing, and
 * loading it costs every start.
 */
export async function hasherFor(algorithms: readonly Algorithm[]): Promise<MultiHasher | undefined> {
  if (algorithms.length === 0) return undefined;
  const { createMultiHasher } = await import('../hash/multi-hasher.js');
  return createMultiHasher(algorithms);
}
