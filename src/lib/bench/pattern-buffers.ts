import { randomFillSync } from 'node:crypto';
import { allocAligned } from '../device/aligned-pool.js';

export const PATTERNS = ['zeros', 'random', 'sequence'] as const;
export type Pattern = (typeof PATTERNS)[number];

/**
 * The bytes a benchmark writes, made once before timing starts so that generating them is
 * never what is measured. `count` distinct aligned buffers (O_DIRECT-ready), one per write
 * in flight, are cycled; random ones get stampOffsets before each write. `sequence` is a
 * 32-bit little-endian counter that runs on across the buffers (easy to recognise in a
 * hex dump). Small pages, as fio's buffers (its default mem=malloc): on huge pages the
 * kernel pins 512× fewer pages per request, and dl-bench read a loop device at 1.23× fio's
 * rate (/dev/shm, 9 pairs, up to 1.99), the buffers' speed rather than the drive's.
 */
export function patternBuffers(pattern: Pattern, blockSize: number, count: number): Buffer[] {
  const bufs = allocAligned(count, blockSize, 'small');
  bufs.forEach((b, i) => {
    if (pattern === 'random') randomFillSync(b);
    else if (pattern === 'sequence') fillSequence(b, (i * blockSize) / 4);
    // zeros: WebAssembly memory starts zeroed
  });
  return bufs;
}

function fillSequence(b: Buffer, first: number): void {
  const words = new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = (first + i) >>> 0;
}

/**
 * Writes the offset each 4 KiB of a random block lands at (64-bit little-endian) into its
 * first 8 bytes: the buffers are reused, and a drive that deduplicates or compresses would
 * otherwise see the same blocks again and skip work it is meant to be timed on (fio stamps
 * every 512 bytes with offset and time for the same reason).
 */
export function stampOffsets(buf: Buffer, length: number, position: number): void {
  for (let at = 0; at < length; at += 4096) {
    const offset = position + at;
    buf.writeUInt32LE(offset % 2 ** 32, at);
    buf.writeUInt32LE(Math.floor(offset / 2 ** 32), at + 4);
  }
}
