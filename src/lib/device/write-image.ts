import { abortedError, isDlError, type DlError } from '../errors/dl-error.js';
import type { RateLimiter } from '../streams/rate-limit.js';
import { AlignedPool } from './aligned-pool.js';
import { deviceError, type DeviceWriter } from './device-writer.js';
import type { BlockOptions, ImageSource } from './image-source.js';

export interface WriteImageOptions extends Omit<BlockOptions, 'signal'> {
  source: ImageSource;
  writers: readonly DeviceWriter[];
  signal: AbortSignal;
  /** Bytes per write (a multiple of 4 KiB); default 4 MiB. */
  blockSize?: number;
  /** Writes in flight per drive; default 4. */
  inFlight?: number;
  limiter?: RateLimiter;
  /** Sees every written block's bytes in image order (digests), before its write starts. */
  observe?: (bytes: Uint8Array, position: number) => void;
  /** How often to make the written bytes durable and call onCheckpoint; default 2 s. */
  checkpointEveryMs?: number;
  /** Every byte before `position` is on every live drive (flushed). Also called on failure. */
  onCheckpoint?: (position: number) => Promise<void>;
  onProgress?: (writer: DeviceWriter) => void;
  /** A drive failed and was dropped; the others go on. */
  onDrop?: (writer: DeviceWriter, error: DlError) => void;
}

export interface WriteImageResult {
  /** Offset after the last byte written (the image's size for a whole write). */
  end: number;
  /** Drives that failed, with their error. */
  failed: Map<DeviceWriter, DlError>;
}

/**
 * One read of the source, every drive written: each block goes to all live drives at
 * once, and its buffer returns to the pool only when every drive has it, so the slowest
 * drive sets the pace and memory stays at blockSize × (inFlight + 1). A failing drive is
 * dropped; the run fails only when none is left. Every checkpointEveryMs (in the
 * background, writing goes on) and when interrupted, the writes submitted so far land
 * and are flushed, then onCheckpoint records that durable position.
 */
export async function writeImage(opts: WriteImageOptions): Promise<WriteImageResult> {
  const pool = new AlignedPool((opts.inFlight ?? 4) + 1, opts.blockSize ?? 4 << 20);
  const pending = new Set<Promise<void>>();
  const failed = new Map<DeviceWriter, DlError>();
  const live = (): DeviceWriter[] => opts.writers.filter((w) => !failed.has(w));
  const drop = (w: DeviceWriter, err: unknown): void => {
    if (failed.has(w)) return;
    const e = isDlError(err) ? err : deviceError(err, w.path, 'write', w.written);
    failed.set(w, e);
    opts.onDrop?.(w, e);
  };
  const flushAll = (): Promise<unknown> => Promise.all(live().map((w) => w.flush().catch((e: unknown) => drop(w, e))));
  // Everything submitted before `position` lands, is flushed, then recorded. fdatasync
  // covers the writes completed before it was called, so new writes may go on meanwhile.
  const durable = async (position: number, submitted: Promise<void>[]): Promise<void> => {
    await Promise.all(submitted);
    await flushAll();
    if (live().length > 0) await opts.onCheckpoint?.(position);
  };
  let saving: Promise<void> | undefined;
  let saveError: { error: unknown } | undefined;
  let end = opts.ranges[0]?.[0] ?? 0;
  let lastSave = Date.now();
  const due = (): boolean => opts.onCheckpoint !== undefined && saving === undefined && Date.now() - lastSave >= (opts.checkpointEveryMs ?? 2000);
  try {
    for await (const block of opts.source.blocks(pool, { ranges: opts.ranges, onSkipped: opts.onSkipped, signal: opts.signal })) {
      const { buf, position, length } = block;
      if (opts.signal.aborted) throw abortedError();
      if (saveError) throw saveError.error;
      await opts.limiter?.take(length, opts.signal);
      opts.observe?.(buf.subarray(0, length), position);
      const writes = live().map((w) => w.write(buf, length, position).then(() => opts.onProgress?.(w), (e: unknown) => drop(w, e)));
      const p: Promise<void> = Promise.all(writes).then(() => {
        pool.release(buf);
        pending.delete(p);
      });
      pending.add(p);
      end = position + length;
      if (live().length === 0) break;
      if (due()) {
        saving = durable(end, [...pending])
          .catch((error: unknown) => void (saveError ??= { error }))
          .finally(() => {
            saving = undefined;
            lastSave = Date.now();
          });
      }
    }
    if (opts.signal.aborted) throw abortedError();
  } catch (err) {
    await saving;
    await durable(end, [...pending]).catch(() => undefined);
    throw err;
  }
  await saving;
  if (saveError) throw saveError.error;
  await Promise.all(pending);
  await flushAll();
  if (live().length === 0) throw failed.values().next().value as DlError;
  return { end, failed };
}
