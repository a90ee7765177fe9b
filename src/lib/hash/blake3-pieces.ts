import { existsSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** native/blake3-tree.c, built by node-gyp at install. */
export interface Blake3Tree {
  subtreeCv(data: Uint8Array, firstChunk: number, out: Uint8Array): void;
  rootHash(cvs: Uint8Array, out: Uint8Array): void;
}

/** 4 MiB, 2^12 chunks of 1 KiB: every piece but the last is a whole BLAKE3 subtree. */
export const PIECE_SIZE = 4 << 20;
export const CV_SIZE = 32;
const CHUNK_SIZE = 1024;

let found: { path: string; addon: Blake3Tree } | null | undefined;

/**
 * The addon and its path (for workers), or undefined where it was not built (no compiler
 * at install): then blake3 runs on one core. Looked for in build/Release of the module's
 * ancestors: the package root is one level above dist/, three above src/lib/hash/.
 */
export function findBlake3Tree(from: string = import.meta.url): { path: string; addon: Blake3Tree } | undefined {
  if (found === undefined) {
    found = null;
    for (let dir = dirname(fileURLToPath(from)), up = 0; up < 4 && found === null; dir = dirname(dir), up++) {
      const path = join(dir, 'build', 'Release', 'blake3_tree.node');
      if (existsSync(path)) found = { path, addon: loadBlake3Tree(path) };
    }
  }
  return found ?? undefined;
}

export const loadBlake3Tree = (path: string): Blake3Tree => createRequire(import.meta.url)(path) as Blake3Tree;

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
