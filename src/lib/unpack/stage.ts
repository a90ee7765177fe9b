/**
 * A byte stage: an async-generator transform as `stream.pipeline` accepts it. Pulling
 * drives it, so backpressure holds end to end and an aborted pipeline stops it.
 */
export type Stage = (source: AsyncIterable<Buffer>, opts?: { signal?: AbortSignal }) => AsyncGenerator<Buffer>;

/** Live byte counts, read by progress reporting while a pipeline runs. */
export interface ByteCounters {
  /** Compressed bytes read from the input. */
  bytesIn: number;
  /** Bytes produced (decompressed, or extracted). */
  bytesOut: number;
}

export const newCounters = (): ByteCounters => ({ bytesIn: 0, bytesOut: 0 });
