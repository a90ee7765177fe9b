import { randomFillSync } from 'node:crypto';
import { allocAligned } from '../device/aligned-pool.js';

export const PATTERNS = ['zeros', 'random', 'sequence'] as const;
export type Pattern = (typeof PATTERNS)[number];

/**
 * The bytes a benchmark writes, made once before timing starts so that generating them is
 * never what is measured. `count` distinct aligned buffers (O_DIRECT-ready) are cycled:
 * random ones differ from each other, so a drive that deduplicates or compresses sees no
 * repeat within the writes in flight. `sequence` is a 32-bit little-endian counter that
 * runs on across the buffers (easy to recognise in a hex dump).
 */
export function patternBuffers(pattern: Pattern, blockSize: number, count: number): Buffer[] {
  const bufs = allocAligned(count, blockSize);
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
