/**
 * A pass-through pipeline stage that counts bytes for progress. It hands every chunk on
 * as is (no copy) and calls `onBytes` per chunk; sampling to ≤ 10 events/s is the
 * event layer's job, not this one's.
 */
export function byteMeter<T extends Uint8Array = Uint8Array>(
  onBytes: (totalBytes: number, chunkBytes: number) => void,
): (source: AsyncIterable<T>) => AsyncGenerator<T> {
  return async function* meter(source) {
    let total = 0;
    for await (const chunk of source) {
      total += chunk.length;
      onBytes(total, chunk.length);
      yield chunk;
    }
  };
}
