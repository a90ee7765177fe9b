import type { Format } from './formats.js';

/**
 * Magic bytes, at offset 0 unless said otherwise:
 *   gzip  1f 8b
 *   xz    fd 37 7a 58 5a 00            ("\xfd7zXZ\0")
 *   zstd  28 b5 2f fd                  (frame), or 5? 2a 4d 18 (skippable frame, ?=0..f)
 *   bzip2 42 5a 68 31..39              ("BZh" + block size digit)
 *   zip   50 4b 03 04 (local header), 50 4b 05 06 (empty archive: end of central dir)
 *   tar   "ustar" at 257 (POSIX "ustar\0", GNU "ustar  ")
 */
export const SNIFF_BYTES = 512;

const startsWith = (b: Buffer, bytes: number[], at = 0): boolean =>
  b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x);

const isZstdSkippable = (b: Buffer): boolean =>
  b.length >= 4 && (b[0]! & 0xf0) === 0x50 && b[1] === 0x2a && b[2] === 0x4d && b[3] === 0x18;

export function sniffFormat(head: Buffer): Format | null {
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd]) || isZstdSkippable(head)) return 'zstd';
  if (startsWith(head, [0x42, 0x5a, 0x68]) && head[3]! >= 0x31 && head[3]! <= 0x39) return 'bzip2';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(head, [0x75, 0x73, 0x74, 0x61, 0x72], 257)) return 'tar';
  return null;
}
