import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBlake3Tree, hashBlake3Tree, TREE_MIN_SIZE } from '../../../src/lib/hash/blake3-tree.js';
import { hashFile } from '../../../src/lib/hash/hash-file.js';
import { missingTools, referenceDigest } from './reference-digests.js';

const MiB = 1 << 20;
const tree = findBlake3Tree();
const skip = tree === undefined || missingTools.includes('b3sum');
const why = tree === undefined ? 'build/Release/blake3_tree.node not built (npm install builds it)' : 'b3sum missing';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dlkit-blake3-tree-'));
  if (skip) return;
  // Odd piece count with a short last piece; an exact number of pieces.
  execFileSync('sh', ['-c', `head -c ${TREE_MIN_SIZE + 4097} /dev/urandom > ${dir}/odd; head -c ${192 * MiB} /dev/urandom > ${dir}/even`]);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skip)(`BLAKE3 over subtrees equals b3sum (${skip ? why : 'addon built'})`, () => {
  // The addon's tree shape, with pieces small enough to try every edge: a one-chunk
  // piece, a last piece of one byte, of one chunk plus one byte, odd piece counts.
  it.each([
    [1024, 2049],
    [1024, 3072],
    [2048, 5000],
    [4096, 8193],
    [8192, 65536],
    [8192, 100_000],
    [65536, MiB + 1],
  ])('pieces of %i bytes over %i bytes', (piece, size) => {
    const addon = tree!;
    const data = randomBytes(size);
    const path = join(dir, `d${piece}-${size}`);
    writeFileSync(path, data);
    const count = Math.ceil(size / piece);
    const cvs = new Uint8Array(count * 32);
    for (let i = 0; i < count; i++) {
      addon.subtreeCv(data.subarray(i * piece, (i + 1) * piece), (i * piece) / 1024, cvs.subarray(i * 32, i * 32 + 32));
    }
    const digest = new Uint8Array(32);
    addon.rootHash(cvs, digest);
    expect(Buffer.from(digest).toString('hex')).toBe(referenceDigest('blake3', path));
  });

  it.each([
    ['odd', 2],
    ['odd', 3],
    ['even', 2],
  ])('hashFile of the %s file on %i threads', async (name, threads) => {
    const path = join(dir, name);
    const seen: number[] = [];
    const result = await hashFile(path, ['blake3'], { threads, onProgress: (n) => seen.push(n) });
    expect(result.digests.blake3).toBe(referenceDigest('blake3', path));
    expect(seen.at(-1)).toBe(result.bytes);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  }, 30_000);

  it('a large file on two threads goes to the addon; one thread, or a small file, does not', async () => {
    const fd = openSync(join(dir, 'odd'), 'r');
    try {
      expect(await hashBlake3Tree(fd, TREE_MIN_SIZE + 4097, { threads: 2 })).toBe(referenceDigest('blake3', join(dir, 'odd')));
      expect(await hashBlake3Tree(fd, TREE_MIN_SIZE + 4097, { threads: 1 })).toBeUndefined();
      expect(await hashBlake3Tree(fd, TREE_MIN_SIZE - 1, { threads: 2 })).toBeUndefined();
    } finally {
      closeSync(fd);
    }
  }, 30_000);

  it('an abort stops the threads: DL_ERR_INTERRUPTED', async () => {
    const fd = openSync(join(dir, 'even'), 'r');
    try {
      const controller = new AbortController();
      const run = hashBlake3Tree(fd, 192 * MiB, { threads: 2, signal: controller.signal });
      controller.abort(); // the addon's threads are already queued: they see the stop flag
      await expect(run).rejects.toMatchObject({ code: 'DL_ERR_INTERRUPTED', exitCode: 130 });
    } finally {
      closeSync(fd);
    }
  });
});
