import type { Algorithm } from '../hash/algorithms.js';
import type { MultiHasher } from '../hash/multi-hasher.js';
import type { HashState } from './file-checkpoint.js';

/**
 * A MultiHasher for `algorithms`, or undefined when none is asked for. The hash stack
 * (hash-wasm, native bindings) is loaded only then: most downloads check nothing, and
 * loading it costs every start. With `saved` (from a checkpoint) the hashers continue
 * from that state when every one of them can.
 */
export async function hasherFor(algorithms: readonly Algorithm[], saved?: HashState): Promise<MultiHasher | undefined> {
  if (algorithms.length === 0) return undefined;
  const { createMultiHasher, MultiHasher } = await import('../hash/multi-hasher.js');
  const states = algorithms.map((a) => saved?.states[a]);
  if (saved && states.every((s) => s !== undefined)) {
    const { createHasher } = await import('../hash/create-hasher.js');
    // A state this build cannot load only costs a re-hash of the prefix.
    const hashers = await Promise.all(algorithms.map((a, i) => createHasher(a, Buffer.from(states[i]!, 'base64')))).catch(() => undefined);
    if (hashers) return new MultiHasher(hashers, saved.bytes);
  }
  return createMultiHasher(algorithms);
}
