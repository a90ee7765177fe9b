import type { FileHandle } from 'node:fs/promises';
import { AlignedPool } from '../device/aligned-pool.js';
import { openDirect } from '../fs/direct-io.js';
import { BatchWriter, batchBytesFor } from './batch-writer.js';
import type { ChunkWriter, OnWritten } from './chunk-writer.js';
import { DirectWriter } from './direct-writer.js';

/**
 * Files at least this large are written past the page cache where the filesystem allows:
 * smaller ones cost the cache little and stay warm for the next command in the pipeline.
 */
export const DIRECT_MIN_BYTES = 64 * 1024 * 1024;

/** Makes the writer of each segment of one part file. */
export interface PartWriters {
  at(position: number, onWritten: OnWritten): ChunkWriter;
  close(): Promise<void>;
}

export interface PartWritersOptions {
  /** The file's size, null when unknown (then buffered). */
  size: number | null;
  connections: number;
  /** Allow O_DIRECT (the caller's --no-direct-io turns it off). */
  direct: boolean;
}

/** Direct writers for a large file on a local disk filesystem, batched buffered ones otherwise. */
export async function partWriters(fh: FileHandle, path: string, opts: PartWritersOptions): Promise<PartWriters> {
  const big = opts.size !== null && opts.size >= DIRECT_MIN_BYTES;
  const direct = opts.direct && big ? await openDirect(path) : undefined;
  const batchBytes = batchBytesFor(opts.connections);
  if (!direct) {
    return { at: (p, onWritten) => new BatchWriter(fh, path, p, onWritten, batchBytes), close: async () => undefined };
  }
  // Two buffers per connection (one filling, one being written): ≤ 8 MiB, as many as the buffered writers hold.
  const pool = new AlignedPool(2 * Math.max(1, opts.connections), batchBytes);
  const files = { fh, direct, path, pool };
  return { at: (p, onWritten) => new DirectWriter(files, p, onWritten), close: () => direct.close() };
}
