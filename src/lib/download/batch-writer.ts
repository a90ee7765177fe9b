import type { FileHandle } from 'node:fs/promises';
import { fsError } from '../fs/fs-error.js';
import { MAX_HOLD_MS, type ChunkWriter, type OnWritten } from './chunk-writer.js';

/** Bytes gathered before one positional writev: big writes are what make disk output fast. */
export const WRITE_BATCH_BYTES = 1024 * 1024;
/** What all connections of one download may hold in batches; more connections, smaller batches. */
const BATCH_BUDGET = 4 * 1024 * 1024;

/** The batch size for one of `connections` connections: 1 MiB for up to 4, down to 256 KiB. */
export const batchBytesFor = (connections: number): number =>
  Math.min(WRITE_BATCH_BYTES, Math.max(256 * 1024, Math.floor(BATCH_BUDGET / Math.max(1, connections))));
/** Well under IOV_MAX (1024), for servers that send tiny chunks. */
const MAX_CHUNKS = 512;

/**
 * Gathers consecutive chunks of one segment and writes them at their file offset in
 * ~1 MiB writev calls, one write in flight while the next batch fills (so at most two
 * batches per connection are in memory). `onWritten` runs after each write lands, with
 * the chunks, so done ranges and hashing follow the disk, never run ahead of it. A slow
 * connection writes at least every half second, so progress and checkpoints keep up.
 */
export class BatchWriter implements ChunkWriter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #position: number;
  #inflight: Promise<void> | undefined;
  #firstPendingAt = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly path: string,
    position: number,
    private readonly onWritten: OnWritten,
    private readonly batchBytes = WRITE_BATCH_BYTES,
  ) {
    this.#position = position;
  }

  async push(chunk: Buffer): Promise<void> {
    if (this.#pending.length === 0) this.#firstPendingAt = performance.now();
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    const full = this.#pendingBytes >= this.batchBytes || this.#pending.length >= MAX_CHUNKS;
    if (full || performance.now() - this.#firstPendingAt > MAX_HOLD_MS) await this.#startWrite();
  }

  async flush(): Promise<void> {
    await this.#startWrite();
    await this.#inflight;
  }

  async #startWrite(): Promise<void> {
    await this.#inflight;
    if (this.#pendingBytes === 0) return;
    const chunks = this.#pending;
    const bytes = this.#pendingBytes;
    const at = this.#position;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#position += bytes;
    this.#inflight = this.#write(chunks, bytes, at);
    // Awaited by the next push or flush; this keeps a failure meanwhile from being "unhandled".
    this.#inflight.catch(() => undefined);
  }

  async #write(chunks: Buffer[], bytes: number, at: number): Promise<void> {
    let done = 0;
    try {
      // writev may write less than asked (rare, but allowed): continue from where it stopped.
      while (done < bytes) {
        const { bytesWritten } = await this.fh.writev(remaining(chunks, done), at + done);
        if (bytesWritten === 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });
        done += bytesWritten;
      }
    } catch (err) {
      throw fsError(err, this.path, 'write');
    }
    this.onWritten(at, chunks, bytes);
  }
}

function remaining(chunks: Buffer[], skip: number): Buffer[] {
  if (skip === 0) return chunks;
  const out: Buffer[] = [];
  for (const c of chunks) {
    if (skip >= c.length) skip -= c.length;
    else {
      out.push(skip > 0 ? c.subarray(skip) : c);
      skip = 0;
    }
  }
  return out;
}
