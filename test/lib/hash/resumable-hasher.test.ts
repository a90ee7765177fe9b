import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Algorithm } from '../../../src/lib/hash/algorithms.js';
import { createMultiHasher } from '../../../src/lib/hash/multi-hasher.js';
import {
  createResumableHasher,
  rehashPrefix,
  restoreResumableHasher,
  resumeHasher,
} from '../../../src/lib/hash/resumable-hasher.js';

const data = randomBytes(300_000);
// With the native bindings present only crc32 exports its state; the others re-hash.
const SAVING: Algorithm[] = ['crc32'];
const REHASHING: Algorithm[] = ['md5', 'sha1', 'sha256', 'sha512', 'blake3', 'xxh64', 'xxh3'];

async function oneShot(algorithms: readonly Algorithm[]) {
  const h = await createMultiHasher(algorithms);
  h.update(data);
  return h.digest();
}

async function* slices(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let o = 0; o < buf.length; o += size) yield buf.subarray(o, o + size);
}

describe('serialize / restore', () => {
  it('mid-stream state gives the one-pass digest, whatever the split points', async () => {
    const expected = await oneShot(SAVING);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: data.length }), { maxLength: 4 }), async (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), data.length];
        let hasher = await createResumableHasher(SAVING);
        for (let i = 1; i < points.length; i++) {
          hasher.update(data.subarray(points[i - 1], points[i]));
          const saved = hasher.serialize();
          expect(saved).not.toBeNull();
          hasher = await restoreResumableHasher(saved as string, SAVING);
          expect(hasher.bytes).toBe(points[i]);
        }
        expect(hasher.digest()).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('returns null when an algorithm must re-hash its prefix instead', async () => {
    for (const a of REHASHING) {
      const h = await createResumableHasher(['crc32', a]);
      h.update(data.subarray(0, 10));
      expect(h.serialize(), a).toBeNull();
    }
  });

  it('refuses a state for other algorithms, another version or garbage', async () => {
    const h = await createResumableHasher(['crc32']);
    h.update(data.subarray(0, 100));
    const saved = h.serialize() as string;
    await expect(restoreResumableHasher(saved, ['xxh64'])).rejects.toMatchObject({ code: 'DL_ERR_HASH_STATE' });
    await expect(restoreResumableHasher(saved.replace('"v":1', '"v":9'), ['crc32'])).rejects.toMatchObject({
      code: 'DL_ERR_HASH_STATE',
    });
    await expect(restoreResumableHasher('{', ['crc32'])).rejects.toMatchObject({ code: 'DL_ERR_HASH_STATE' });
    const corrupt = JSON.stringify({ v: 1, bytes: 100, states: { crc32: 'AAAA' } });
    await expect(restoreResumableHasher(corrupt, ['crc32'])).rejects.toMatchObject({ code: 'DL_ERR_HASH_STATE' });
  });
});

describe('rehashPrefix / resumeHasher', () => {
  it('re-hashing the kept prefix then going on gives the one-pass digest', async () => {
    const all: Algorithm[] = [...REHASHING, ...SAVING];
    const expected = await oneShot(all);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: data.length }), async (cut) => {
        const first = await createResumableHasher(all);
        first.update(data.subarray(0, cut));
        const saved = first.serialize();
        expect(saved).toBeNull();
        const resumed = await resumeHasher(all, saved, () => slices(data.subarray(0, cut), 65_536));
        expect(resumed.bytes).toBe(cut);
        resumed.update(data.subarray(cut));
        expect(resumed.digest()).toEqual(expected);
      }),
      { numRuns: 15 },
    );
  });

  it('resumeHasher restores when the checkpoint holds state, without reading the prefix', async () => {
    const h = await createResumableHasher(SAVING);
    h.update(data.subarray(0, 1234));
    const resumed = await resumeHasher(SAVING, h.serialize(), () => {
      throw new Error('prefix read');
    });
    resumed.update(data.subarray(1234));
    expect(resumed.digest()).toEqual(await oneShot(SAVING));
  });

  it('stops re-hashing when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(rehashPrefix(['sha256'], slices(data, 1000), { signal: controller.signal })).rejects.toThrow();
  });
});
