import { abortedError } from '../errors/dl-error.js';
import { deviceError } from '../device/device-writer.js';
import { fsError } from '../fs/fs-error.js';
import type { BenchTarget } from './bench-target.js';

export type BenchMode = 'write' | 'read';

export interface MeasureOptions {
  mode: BenchMode;
  /** Bytes from offset 0. */
  size: number;
  blockSize: number;
  /** Aligned buffers of blockSize: the pattern to write, or room to read into; ≥ iodepth. */
  buffers: readonly Buffer[];
  /** Operations in flight (1: one at a time, like dd and fio's default psync engine). */
  iodepth: number;
  /** Stop after this long even when `size` is not reached (sweep steps). */
  maxMs?: number;
  signal: AbortSignal;
  onProgress?: (bytes: number) => void;
  now?: () => number;
}

export interface Measurement {
  bytes: number;
  durationMs: number;
  bytesPerSecond: number;
}

/**
 * Sequential throughput: blocks from offset 0 upwards, `iodepth` positional operations
 * in flight, timed from the first call to the last completion. A buffered write ends with
 * fdatasync inside the timing, so what is measured is bytes reaching the medium, not the
 * page cache; with O_DIRECT the writes themselves wait for the drive.
 */
export async function measureThroughput(target: BenchTarget, opts: MeasureOptions): Promise<Measurement> {
  const now = opts.now ?? (() => performance.now());
  const pending = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let done = 0;
  const t0 = now();
  const deadline = opts.maxMs === undefined ? Infinity : t0 + opts.maxMs;
  for (let position = 0, i = 0; position < opts.size && !failure; position += opts.blockSize, i++) {
    if (opts.signal.aborted) throw abortedError();
    if (now() >= deadline) break;
    const buf = opts.buffers[i % opts.buffers.length]!;
    const length = Math.min(opts.blockSize, opts.size - position);
    const p: Promise<void> = transfer(target, opts.mode, buf, length, position)
      .then(() => opts.onProgress?.((done += length)))
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => pending.delete(p));
    pending.add(p);
    if (pending.size >= opts.iodepth) await Promise.race(pending);
  }
  await Promise.all(pending);
  if (failure) throw failure.error;
  if (opts.mode === 'write' && !target.direct) await target.fh.datasync().catch((err: unknown) => rethrow(target, err, 'flush', done));
  const durationMs = Math.max(now() - t0, 0.001);
  return { bytes: done, durationMs, bytesPerSecond: (done * 1000) / durationMs };
}

/** One whole block: a short write or read continues where it stopped; 0 bytes is the end. */
async function transfer(target: BenchTarget, mode: BenchMode, buf: Buffer, length: number, position: number): Promise<void> {
  let n = 0;
  while (n < length) {
    let got: number;
    try {
      got = mode === 'write'
        ? (await target.fh.write(buf, n, length - n, position + n)).bytesWritten
        : (await target.fh.read(buf, n, length - n, position + n)).bytesRead;
    } catch (err) {
      rethrow(target, err, mode, position + n);
    }
    if (got === 0) rethrow(target, Object.assign(new Error('end of target'), { code: 'ENOSPC' }), mode, position + n);
    n += got;
  }
}

function rethrow(target: BenchTarget, err: unknown, action: 'read' | 'write' | 'flush', offset: number): never {
  if (target.drive) throw deviceError(err, target.path, action, offset);
  throw fsError(err, target.path, action === 'flush' ? 'sync' : action);
}
