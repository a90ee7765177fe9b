import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBlake3Tree } from '../../../src/lib/hash/blake3-pieces.js';
import { TREE_MIN_SIZE } from '../../../src/lib/hash/blake3-tree.js';
import { hashFile } from '../../../src/lib/hash/hash-file.js';
import { missingTools, referenceDigest } from './reference-digests.js';
import { buildWithTsup } from './build-worker.js';

const MiB = 1 << 20;
const tree = findBlake3Tree();
const skip = tree === undefined || missingTools.includes('b3sum');
const why = tree === undefined ? 'build/Release/blake3_tree.node not built (npm install builds it)' : 'b3sum missing';

let dir: string;
let dist: string;
let treeWorkerUrl: URL;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dlkit-blake3-tree-'));
  if (skip) return;
  // Odd piece count with a short last piece; an exact number of pieces.
  execFileSync('sh', ['-c', `head -c ${TREE_MIN_SIZE + 4097} /dev/urandom > ${dir}/odd; head -c ${192 * MiB} /dev/urandom > ${dir}/even`]);
  mkdirSync('node_modules/.cache', { recursive: true });
  dist = mkdtempSync(join(process.cwd(), 'node_modules/.cache/dlkit-blake3-dist-'));
  await buildWithTsup(dist, { 'lib/hash/blake3-tree-worker': 'src/lib/hash/blake3-tree-worker.ts' });
  treeWorkerUrl = pathToFileURL(join(dist, 'lib/hash/blake3-tree-worker.js'));
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (dist !== undefined) rmSync(dist, { recursive: true, force: true });
});

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
    const { addon } = tree!;
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
    const result = await hashFile(path, ['blake3'], { threads, treeWorkerUrl, onProgress: (n) => seen.push(n) });
    expect(result.digests.blake3).toBe(referenceDigest('blake3', path));
    expect(seen.at(-1)).toBe(result.bytes);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  }, 30_000);

  it('a large blake3-only file goes to the worker threads (a missing worker fails)', async () => {
    const missing = pathToFileURL(join(dir, 'no-such-worker.js'));
    await expect(hashFile(join(dir, 'odd'), ['blake3'], { threads: 2, treeWorkerUrl: missing })).rejects.toMatchObject({
      code: 'DL_ERR_HASH_WORKER',
    });
    // One thread, or blake3 with another algorithm, reads the file once on this thread.
    const one = await hashFile(join(dir, 'odd'), ['blake3'], { threads: 1, treeWorkerUrl: missing });
    expect(one.digests.blake3).toBe(referenceDigest('blake3', join(dir, 'odd')));
  }, 30_000);

  it('an abort stops the workers: DL_ERR_INTERRUPTED', async () => {
    const controller = new AbortController();
    const run = hashFile(join(dir, 'even'), ['blake3'], {
      threads: 2,
      treeWorkerUrl,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'DL_ERR_INTERRUPTED', exitCode: 130 });
  });
});
