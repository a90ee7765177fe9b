/** Where one segment's body goes: positional writes from its offset on, batched. */
export interface ChunkWriter {
  /** Queues a chunk; resolves when there is room for more (backpressure on the reader). */
  push(chunk: Buffer): Promise<void>;
  /** Writes whatever is queued and waits for every write to land. */
  flush(): Promise<void>;
}

/** Runs after each write landed, with its bytes: done ranges and hashing follow the disk. */
export type OnWritten = (position: number, chunks: readonly Buffer[], bytes: number) => void;

/** A slow connection still lands its bytes (progress, checkpoints) at least this often. */
export const MAX_HOLD_MS = 500;
