import type { Stage } from './stage.js';

/** Counts bytes as they pass, into a field of a live counters object. */
export function countStage<K extends string>(counters: Record<K, number>, key: K): Stage {
  return async function* (source) {
    for await (const chunk of source) {
      counters[key] += chunk.length;
      yield chunk;
    }
  };
}
