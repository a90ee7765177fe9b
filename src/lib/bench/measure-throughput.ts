import { readSync, writeSync } from 'node:fs';
import { abortedError } from '../errors/dl-error.js';
import { deviceError } from '../device/device-writer.js';
import { fsError } from '../fs/fs-error.js';
import type { BenchTarget } from './bench-target.js';
import { stampOffsets, type Pattern } from './pattern-buffers.js';

export type BenchMode = 'write' | 'read';

export interface MeasureOptions {
  mode: BenchMode;
  /** Bytes from offset 0. */
  size: number;
  blockSize: number;
  /** Aligned buffers of blockSize, one per operation in flight: the pattern to write, or room to read into. */
  buffers: readonly Buffer[];
  /** `random`: each 4 KiB written carries its offset, so reused buffers never repeat (see stampOffsets). */
  pattern?: Pattern;
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

interface Step {
  buf: Buffer;
  length: number;
  position: number;
}

/** One positional transfer; returns the bytes moved (0: the end of the target). */
type Transfer = (buf: Buffer, offset: number, length: number, position: number) => number | Promise<number>;

// How often the synchronous loop lets the event loop run (progress, Ctrl-C).
const TURN_MS = 50;

/**
 * Sequential throughput: blocks from offset 0 upwards, timed from the first call to the
 * last completion. A buffered write ends with fdatasync inside the timing, so what is
 * measured is bytes reaching the medium, not the page cache; with O_DIRECT the writes
 * themselves wait for the drive. As fio does: one buffer per operation in flight, and at
 * iodepth 1 plain synchronous pread/pwrite (its psync engine). On tmpfs, 4 MiB blocks,
 * in MiB/s: fio 7,586; here, libuv threads with two buffers 4,570, with one 6,246;
 * synchronous with one 7,940 (medians of 8).
 */
export async function measureThroughput(target: BenchTarget, opts: MeasureOptions): Promise<Measurement> {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const steps = stepsOf(opts, opts.maxMs === undefined ? Infinity : t0 + opts.maxMs, now);
  const done = opts.iodepth === 1 ? await inOrder(target, opts, steps, now) : await inFlight(target, opts, steps);
  if (opts.mode === 'write' && !target.direct) await target.fh.datasync().catch((err: unknown) => rethrow(target, err, 'flush', done));
  const durationMs = Math.max(now() - t0, 0.001);
  return { bytes: done, durationMs, bytesPerSecond: (done * 1000) / durationMs };
}

/** The blocks to transfer, in order, until the size or the deadline; a random block is stamped first. */
function* stepsOf(opts: MeasureOptions, deadline: number, now: () => number): Generator<Step> {
  for (let position = 0, i = 0; position < opts.size; position += opts.blockSize, i++) {
    if (opts.signal.aborted) throw abortedError();
    if (now() >= deadline) return;
    const buf = opts.buffers[i % opts.buffers.length]!;
    const length = Math.min(opts.blockSize, opts.size - position);
    if (opts.mode === 'write' && opts.pattern === 'random') stampOffsets(buf, length, position);
    yield { buf, length, position };
  }
}

/** One block at a time, synchronously on this thread; the event loop gets a turn every TURN_MS. */
async function inOrder(target: BenchTarget, opts: MeasureOptions, steps: Iterable<Step>, now: () => number): Promise<number> {
  const { fd } = target.fh;
  const io: Transfer = opts.mode === 'write' ? (b, o, l, p) => writeSync(fd, b, o, l, p) : (b, o, l, p) => readSync(fd, b, o, l, p);
  let done = 0;
  let turn = now();
  for (const step of steps) {
    await transfer(target, opts.mode, io, step);
    done += step.length;
    opts.onProgress?.(done);
    if (now() - turn >= TURN_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      turn = now();
    }
  }
  return done;
}

/** `iodepth` blocks in flight on libuv's threads. */
async function inFlight(target: BenchTarget, opts: MeasureOptions, steps: Iterable<Step>): Promise<number> {
  const io: Transfer =
    opts.mode === 'write'
      ? async (b, o, l, p) => (await target.fh.write(b, o, l, p)).bytesWritten
      : async (b, o, l, p) => (await target.fh.read(b, o, l, p)).bytesRead;
  const pending = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let done = 0;
  for (const step of steps) {
    if (failure) break;
    const p: Promise<void> = transfer(target, opts.mode, io, step)
      .then(() => {
        done += step.length;
        opts.onProgress?.(done);
      })
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => pending.delete(p));
    pending.add(p);
    if (pending.size >= opts.iodepth) await Promise.race(pending);
  }
  await Promise.all(pending);
  if (failure) throw failure.error;
  return done;
}

/** One whole block: a short write or read continues where it stopped; 0 bytes is the end. */
async function transfer(target: BenchTarget, mode: BenchMode, io: Transfer, { buf, length, position }: Step): Promise<void> {
  let n = 0;
  while (n < length) {
    let got: number;
    try {
      got = await io(buf, n, length - n, position + n);
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
