import type { EventInput } from '../events/types.js';
import { AlignedPool } from './aligned-pool.js';
import { BlockDigests } from './block-digests.js';
import type { ImageSource } from './image-source.js';
import type { DeviceHandle } from './open-device.js';
import { verifyDrives } from './verify-drives.js';

/** The block digests of a source's first `end` bytes (all of it by default), read once in order. */
export async function digestSource(source: ImageSource, signal?: AbortSignal, end = Infinity): Promise<BlockDigests> {
  const digests = await BlockDigests.create();
  const pool = new AlignedPool(2, 4 << 20);
  for await (const { buf, length } of source.blocks(pool, { ranges: [[0, end]], ...(signal ? { signal } : {}) })) {
    digests.add(buf.subarray(0, length));
    pool.release(buf);
  }
  return digests.finish();
}

/**
 * --verify-only: does the drive hold the image? Hashes the source, reads the drive back
 * over the same length past the page cache, and throws DL_ERR_INTEGRITY (65) naming the
 * first bad offset. Bytes after the image on the drive do not matter.
 */
export async function verifyOnly(source: ImageSource, handle: DeviceHandle, opts: { signal?: AbortSignal; emit: (e: EventInput) => void }): Promise<void> {
  const began = Date.now();
  opts.emit({ type: 'start', id: source.name, total: source.size, source: source.name, targets: [handle.drive.path] });
  const expected = await digestSource(source, opts.signal);
  await verifyDrives([handle], { expected, size: expected.bytes, source, emit: opts.emit, ...(opts.signal ? { signal: opts.signal } : {}) });
  opts.emit({ type: 'end', id: handle.drive.path, bytes: expected.bytes, durationMs: Date.now() - began });
  opts.emit({ type: 'end', id: source.name, bytes: expected.bytes, durationMs: Date.now() - began, digest: expected.summary() });
}
