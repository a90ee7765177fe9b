/**
 * A byte stage: an async-generator transform as `stream.pipeline` accepts it. Pulling
 * drives it, so backpressure holds end to end and an aborted pipeline stops it.
 */
/** Bytes per decoder output chunk: fresh buffers of 1 MiB cost about twice as much (page
 * faults, cache misses); the gzip, xz and zstd decoders all write this much at a time. */
export const OUTPUT_CHUNK = 256 * 1024;

export type Stage = (source: AsyncIterable<Buffer>, opts?: { signal?: AbortSignal }) => AsyncGenerator<Buffer>;

/** Live byte counts, read by progress reporting while a pipeline runs. */
export interface ByteCounters {
  /** Compressed bytes read from the input. */
  bytesIn: number;
  /** Bytes produced (decompressed, or extracted). */
  bytesOut: number;
}

export const newCounters = (): ByteCounters => ({ bytesIn: 0, bytesOut: 0 });
