import type { BlobSource } from './blob-source.js';

/**
 * A BlobSource whose reads can start before anyone asks for them: a later read of
 * exactly a prefetched range takes those bytes, in flight or arrived; any other read goes
 * to the blob as usual. stargz-get starts the read of its file's chunks as soon as the
 * TOCs name them, while the entries are still being checked and merged.
 */
export class PrefetchSource implements BlobSource {
  private readonly early = new Map<string, { bytes: Promise<Buffer>; stop: AbortController }>();

  constructor(private readonly blob: BlobSource) {}

  get label(): string {
    return this.blob.label;
  }

  get size(): number {
    return this.blob.size;
  }

  /** Bytes transferred, prefetched ones included (taken or not). */
  get bytesRead(): number {
    return this.blob.bytesRead;
  }

  /** Starts reading `length` bytes at `offset`; a failure shows only when the range is read. */
  prefetch(offset: number, length: number): void {
    const key = `${offset}+${length}`;
    if (this.early.has(key)) return;
    const stop = new AbortController();
    const bytes = this.blob.read(offset, length, stop.signal);
    bytes.catch(() => undefined);
    this.early.set(key, { bytes, stop });
  }

  read(offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    const key = `${offset}+${length}`;
    const found = this.early.get(key);
    if (!found) return this.blob.read(offset, length, signal);
    this.early.delete(key);
    if (!signal) return found.bytes;
    if (signal.aborted) found.stop.abort(signal.reason);
    const onAbort = (): void => found.stop.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    return found.bytes.finally(() => signal.removeEventListener('abort', onAbort));
  }

  /** Stops the prefetches nobody read. */
  drop(): void {
    for (const { stop } of this.early.values()) stop.abort();
    this.early.clear();
  }
}
