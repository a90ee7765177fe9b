import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError } from '../../../src/lib/errors/dl-error.js';
import { decodeInput } from '../../../src/lib/unpack/decode-input.js';
import { DecodePool } from '../../../src/lib/unpack/decode-pool.js';
import { newCounters } from '../../../src/lib/unpack/stage.js';
import { buildWithTsup } from '../hash/build-worker.js';
import { chunksOf, CountingRecycler, hasTool, mixedBytes, sh, tempDir } from './tools.js';

/**
 * xz and bzip2 blocks decoded on real worker threads (unpack-worker.js built with tsup, as
 * the package ships it), checked byte for byte against what xz -dc and bzip2 -dc write.
 */
const tmp = tempDir('dlkit-parallel-');
// Built inside the repository so that the worker finds lzma-native in node_modules.
const dist = mkdtempSync(join(process.cwd(), 'node_modules/.cache-dlkit-unpack-worker-'));
let pool: DecodePool;
beforeAll(async () => {
  await buildWithTsup(dist, { 'lib/unpack/unpack-worker': 'src/lib/unpack/unpack-worker.ts' });
  pool = new DecodePool({ size: 2, workerUrl: pathToFileURL(join(dist, 'lib/unpack/unpack-worker.js')) });
}, 60_000);
afterAll(async () => {
  await pool.close();
  tmp.cleanup();
  rmSync(dist, { recursive: true, force: true });
});

const plain = mixedBytes(3_000_000);
writeFileSync(join(tmp.dir, 'plain'), plain);
writeFileSync(join(tmp.dir, 'second'), mixedBytes(700_000, 9));
// One block larger than a worker may hold (32 MiB) is decoded in turn, streaming.
writeFileSync(join(tmp.dir, 'big'), Buffer.concat([mixedBytes(1_000_000, 3), Buffer.alloc(34_000_000)]));

/** Everything decoded before the failure, and the failure. */
async function decodeAll(input: Buffer): Promise<{ out: Buffer; error?: { code: string; exitCode: number; offset: number } }> {
  const parts: Buffer[] = [];
  try {
    const d = await decodeInput(chunksOf(input, 100_000), { counters: newCounters(), pool });
    for await (const c of d.output) parts.push(c);
  } catch (e) {
    if (!isDlError(e)) throw e;
    return { out: Buffer.concat(parts), error: { code: e.code, exitCode: e.exitCode, offset: Number(e.details?.offset) } };
  }
  return { out: Buffer.concat(parts) };
}

// [name, tool, shell command writing the compressed file, peer decompressor]
const cases: Array<[string, string, string, string]> = [
  ['xz -T2 blocks', 'xz', 'xz -1 -T2 --block-size=200000 -c plain', 'xz -dc'],
  ['xz -T2 CRC32, two streams, padding', 'xz', 'xz -1 -T2 -C crc32 --block-size=100000 -c plain; head -c 12 /dev/zero; xz -T2 --block-size=300000 -c second', 'xz -dc'],
  ['xz -T2 single-threaded stream then multi-block', 'xz', 'xz -T1 -c second; xz -T2 --block-size=500000 -c plain', 'xz -dc'],
  ['xz -T2 a block over 32 MiB', 'xz', 'xz -0 -T2 --block-size=34500000 -c big', 'xz -dc'],
  ['bzip2 -1 blocks, two streams', 'bzip2', 'bzip2 -1 -c plain; bzip2 -2 -c second', 'bzip2 -dc'],
];

describe('parallel decoding: same bytes as the real tools', () => {
  it.each(cases)('%s', async (_name, tool, script, peer) => {
    if (!hasTool(tool)) return expect.soft(tool).toBe(`skipped: ${tool} missing`);
    sh(`(${script}) > input`, tmp.dir);
    const { out, error } = await decodeAll(sh('cat input', tmp.dir));
    expect(error).toBeUndefined();
    expect(out.equals(sh(`${peer} input`, tmp.dir))).toBe(true);
  }, 60_000);
});

/** Start and end offsets of each xz block, from xz --robot --list. */
function xzBlocks(file: string): Array<[number, number]> {
  return sh(`xz --robot -lvv ${file}`, tmp.dir)
    .toString()
    .split('\n')
    .filter((l) => l.startsWith('block\t'))
    .map((l) => l.split('\t'))
    .map((f) => [Number(f[4]), Number(f[4]) + Number(f[6])]);
}

describe('parallel decoding: damage in block N is exit 65, the blocks before it whole', () => {
  it.skipIf(!hasTool('xz'))('xz: a flipped byte inside the fifth block', async () => {
    sh('xz -1 -T2 --block-size=200000 -c plain > blocks.xz', tmp.dir);
    const [start, end] = xzBlocks('blocks.xz')[4]!;
    const input = Buffer.from(sh('cat blocks.xz', tmp.dir));
    input[Math.floor((start + end) / 2)]! ^= 0x55;
    const { out, error } = await decodeAll(input);
    expect(error).toMatchObject({ code: 'DL_ERR_CORRUPT', exitCode: 65 });
    // Never before the damage; liblzma's threads read ahead, so it can be past the block.
    expect(error!.offset).toBeGreaterThanOrEqual(start);
    expect(error!.offset).toBeLessThanOrEqual(input.length);
    // The four blocks before it came out whole. Like xz -dc (and gunzip before a member's
    // CRC), bytes of the damaged block may follow before its check fails: exit 65 says so.
    expect(out.subarray(0, 4 * 200_000).equals(plain.subarray(0, 4 * 200_000))).toBe(true);
  });

  it.skipIf(!hasTool('xz'))('xz: truncated in a later block, and an index that lists other blocks', async () => {
    const input = sh('xz -1 -T2 --block-size=200000 -c plain | tee blocks2.xz', tmp.dir);
    const cut = Math.floor(input.length * 0.7);
    expect((await decodeAll(input.subarray(0, cut))).error).toMatchObject({ code: 'DL_ERR_CORRUPT', offset: cut });
    const footer = input.length - 12;
    const bad = Buffer.from(input);
    bad[footer - 8]! ^= 0x01; // inside the index: one record's size changed
    const { error } = await decodeAll(bad);
    expect(error).toMatchObject({ code: 'DL_ERR_CORRUPT', exitCode: 65 });
    expect(error!.offset).toBeGreaterThan(xzBlocks('blocks2.xz').at(-1)![1] - 1);
  });

  it.skipIf(!hasTool('bzip2'))('bzip2: a flipped byte in a middle block', async () => {
    const input = Buffer.from(sh('bzip2 -1 -c plain', tmp.dir));
    const at = Math.floor(input.length * 0.6);
    input[at]! ^= 0x10;
    const { out, error } = await decodeAll(input);
    expect(error).toMatchObject({ code: 'DL_ERR_CORRUPT', exitCode: 65 });
    // Found while decoding that block (Huffman codes) or at its end (CRC): -1 blocks are
    // at most 100 kB of input, so within a block's reach after the flip.
    expect(error!.offset).toBeGreaterThanOrEqual(at - 8);
    expect(error!.offset).toBeLessThanOrEqual(at + 110_000);
    expect(out.equals(plain.subarray(0, out.length))).toBe(true);
  });
});

describe('parallel decoding: memory stays bounded', () => {
  // Output buffers go to the workers and come back full; the consumer gives each back once
  // written, and the next jobs fill it again instead of making fresh ones.
  it.skipIf(!hasTool('bzip2'))('bzip2: output buffers given back are filled again, bytes intact', async () => {
    const recycler = new CountingRecycler(256 * 1024, 32);
    const d = await decodeInput(chunksOf(sh('for i in 1 2 3; do bzip2 -1 -c plain; done', tmp.dir)), { counters: newCounters(), pool, recycler });
    const parts: Buffer[] = [];
    for await (const c of d.output) {
      // One of the recycler's, but the first: sniffing hands on a copy of it.
      if (parts.length > 0) expect(c.buffer.byteLength).toBe(recycler.size);
      parts.push(Buffer.from(c));
      recycler.give(c);
    }
    expect(Buffer.concat(parts).equals(Buffer.concat([plain, plain, plain]))).toBe(true);
    // 9 MB out of 60-odd blocks, 16 buffers (4 MiB) per job: those of the 4 jobs in flight.
    expect(parts.length).toBeGreaterThan(60);
    expect(recycler.made).toBeLessThanOrEqual(4 * 16);
  });

  // bzip2 -9 turns 46 MB of zeros into one block of a few dozen bytes. With a slow
  // consumer, the decoder runs ahead by a few blocks: each may hold 4 MiB of output
  // (the rest of it is decoded when its turn comes), not the 46 MB it expands to.
  it.skipIf(!hasTool('bzip2'))('bzip2: blocks of zeros wait in 4 MiB pieces for a slow consumer', async () => {
    const input = sh('head -c 400000000 /dev/zero | bzip2 -9 -c', tmp.dir);
    const before = process.memoryUsage().rss;
    const d = await decodeInput(chunksOf(input), { counters: newCounters(), pool });
    const it = d.output[Symbol.asyncIterator]();
    let total = (await it.next()).value!.length;
    await new Promise((r) => setTimeout(r, 1500)); // the blocks ahead are decoded meanwhile
    expect(process.memoryUsage().rss - before).toBeLessThan(96 * 1024 * 1024);
    const zeros = Buffer.alloc(1024 * 1024);
    for (let r = await it.next(); !r.done; r = await it.next()) {
      expect(r.value.equals(zeros.subarray(0, r.value.length))).toBe(true);
      total += r.value.length;
    }
    expect(total).toBe(400_000_000);
  }, 60_000);
});
