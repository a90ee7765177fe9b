import { readSync } from 'node:fs';
import { findAddon, loadAddon } from '../native/find-addon.js';

/** native/blake3-tree.c, built by node-gyp at install. */
export interface Blake3Tree {
  subtreeCv(data: Uint8Array, firstChunk: number, out: Uint8Array): void;
  rootHash(cvs: Uint8Array, out: Uint8Array): void;
}

/** 4 MiB, 2^12 chunks of 1 KiB: every piece but the last is a whole BLAKE3 subtree. */
export const PIECE_SIZE = 4 << 20;
export const CV_SIZE = 32;
const CHUNK_SIZE = 1024;

/** native/blake3-tree.c, or undefined where it was not built: blake3 then uses one core. */
export const findBlake3Tree = (): { path: string; addon: Blake3Tree } | undefined => findAddon<Blake3Tree>('blake3_tree');

export const loadBlake3Tree = (path: string): Blake3Tree => loadAddon<Blake3Tree>(path);

/**
 * Hashes pieces [first, end) of the open file `fd` (size `size`) into their chaining
 * values at cvs[(i - first) * 32]. Positional reads, so threads share one descriptor.
 */
export function hashPieces(
  addon: Blake3Tree,
  fd: number,
  size: number,
  first: number,
  end: number,
  buffer: Buffer,
  cvs: Uint8Array,
): void {
  for (let piece = first; piece < end; piece++) {
    const position = piece * PIECE_SIZE;
    const want = Math.min(PIECE_SIZE, size - position);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, buffer, got, want - got, position + got);
      if (n === 0) throw Object.assign(new Error('the file shrank while it was hashed'), { code: 'ESHRANK' });
      got += n;
    }
    const at = (piece - first) * CV_SIZE;
    addon.subtreeCv(buffer.subarray(0, want), position / CHUNK_SIZE, cvs.subarray(at, at + CV_SIZE));
  }
}
