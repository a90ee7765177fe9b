import { AlignedPool, allocAligned, DIRECT_ALIGN } from './aligned-pool.js';
import { BlockDigests, DIGEST_BLOCK_SIZE } from './block-digests.js';
import { deviceError, endOfDevice } from './device-writer.js';
import type { DeviceHandle } from './open-device.js';
import { createXxh3Stream } from './xxh3.js';

export interface ReadBackOptions {
  /** Bytes from offset 0 to read and hash: the image's size. */
  size: number;
  /** Bytes per read (a multiple of the digest block); default 4 MiB. */
  readSize?: number;
  /** Reads in flight; default 3 (bench/dl-flash: 3 matched a plain direct read on a loop device, 4 was slower). */
  inFlight?: number;
  digestBlockSize?: number;
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
}

const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/**
 * The block digests of what the drive holds in [0, size), read with O_DIRECT when the
 * handle has it, so the page cache cannot answer in the drive's place. Several reads are
 * in flight; each finished read is hashed block by block as it lands (order does not
 * matter, blocks are independent).
 */
export async function readBackDigests(handle: DeviceHandle, opts: ReadBackOptions): Promise<BlockDigests> {
  const blockSize = opts.digestBlockSize ?? DIGEST_BLOCK_SIZE;
  const readSize = opts.readSize ?? 4 * blockSize;
  if (readSize % blockSize !== 0) throw new RangeError(`read size ${readSize} is not a multiple of ${blockSize}`);
  const pool = new AlignedPool(opts.inFlight ?? 3, readSize);
  const hasher = await createXxh3Stream();
  const digests: Uint8Array[] = [];
  const pending = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let done = 0;
  const hashRead = (buf: Buffer, position: number, length: number): void => {
    for (let at = 0; at < length; at += blockSize) {
      hasher.update(buf.subarray(at, Math.min(at + blockSize, length)));
      digests[(position + at) / blockSize] = hasher.digest();
    }
    opts.onProgress?.((done += length));
  };
  for (let position = 0; position < opts.size && !failure; position += readSize) {
    const buf = await pool.acquire(opts.signal).catch((error: unknown) => void (failure ??= { error }));
    if (!buf) break;
    const length = Math.min(readSize, opts.size - position);
    const p: Promise<void> = readFully(handle, buf, length, position)
      .then(() => hashRead(buf, position, length))
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => {
        pool.release(buf);
        pending.delete(p);
      });
    pending.add(p);
  }
  await Promise.all(pending);
  if (failure) throw failure.error;
  return BlockDigests.of(blockSize, digests, opts.size);
}

/** Reads `length` bytes at `position` (whole sectors with O_DIRECT); a short drive is an error. */
async function readFully(handle: DeviceHandle, buf: Buffer, length: number, position: number): Promise<void> {
  const want = handle.direct ? roundUp(length, handle.sectorSize) : length;
  let got = 0;
  while (got < length) {
    let n: number;
    try {
      ({ bytesRead: n } = await handle.fh.read(buf, got, want - got, position + got));
    } catch (err) {
      throw deviceError(err, handle.drive.path, 'read', position + got);
    }
    if (n === 0) throw endOfDevice(handle.drive.path, position + got);
    got += n;
  }
}

/**
 * The first offset in [start, start + length) where the drive's bytes differ from
 * `expected` (read from a seekable source); -1 when they agree.
 */
export async function firstBadByte(handle: DeviceHandle, expected: Buffer, start: number): Promise<number> {
  const b = allocAligned(1, roundUp(Math.max(expected.length, 1), DIRECT_ALIGN))[0]!;
  await readFully(handle, b, expected.length, start);
  for (let i = 0; i < expected.length; i++) if (b[i] !== expected[i]) return start + i;
  return -1;
}

/**
 * Reads the drive's [start, end) ranges in order, several reads in flight, handing each
 * piece to `onData` in order (checksums that need order: bmap ranges).
 */
export async function readRanges(
  handle: DeviceHandle,
  ranges: readonly (readonly [number, number])[],
  onData: (bytes: Buffer, position: number) => void,
  opts: { readSize?: number; inFlight?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const readSize = opts.readSize ?? 4 << 20;
  const pool = new AlignedPool(opts.inFlight ?? 4, readSize);
  const queue: { buf: Buffer; position: number; length: number; done: Promise<void> }[] = [];
  const drain = async (): Promise<void> => {
    const head = queue.shift()!;
    try {
      await head.done;
      onData(head.buf.subarray(0, head.length), head.position);
    } finally {
      pool.release(head.buf);
    }
  };
  try {
    for (const [start, end] of ranges) {
      for (let position = start; position < end; position += readSize) {
        if (queue.length === pool.count) await drain();
        opts.signal?.throwIfAborted();
        const buf = await pool.acquire(opts.signal);
        const length = Math.min(readSize, end - position);
        const done = readFully(handle, buf, length, position);
        done.catch(() => undefined);
        queue.push({ buf, position, length, done });
      }
    }
    while (queue.length > 0) await drain();
  } finally {
    await Promise.allSettled(queue.map((q) => q.done));
  }
}
