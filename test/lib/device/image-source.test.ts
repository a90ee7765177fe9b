import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AlignedPool } from '../../../src/lib/device/aligned-pool.js';
import { fileSource } from '../../../src/lib/device/image-source.js';

const MiB = 1 << 20;
const dir = mkdtempSync(join(tmpdir(), 'dlk-src-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = randomBytes(6 * MiB + 700);
writeFileSync(join(dir, 'image.img'), bytes);

describe('fileSource', () => {
  it('yields the ranges in order, pool-sized, with the file bytes', async () => {
    const source = await fileSource(join(dir, 'image.img'));
    const pool = new AlignedPool(3, MiB);
    const seen: [number, number][] = [];
    for await (const { buf, position, length } of source.blocks(pool, { ranges: [[0, 2 * MiB + 5], [5 * MiB, Infinity]] })) {
      expect(buf.subarray(0, length).equals(bytes.subarray(position, position + length))).toBe(true);
      seen.push([position, length]);
      pool.release(buf);
    }
    await source.close();
    expect(seen).toEqual([[0, MiB], [MiB, MiB], [2 * MiB, 5], [5 * MiB, MiB], [6 * MiB, 700]]);
  });

  it('reads a block only when asked: every other buffer stays free for the writes in flight', async () => {
    const source = await fileSource(join(dir, 'image.img'));
    const pool = new AlignedPool(2, MiB);
    const blocks = source.blocks(pool, { ranges: [[0, Infinity]] });
    const first = await blocks.next();
    expect(first.value).toMatchObject({ position: 0, length: MiB });
    const other = await pool.acquire(AbortSignal.timeout(100));
    pool.release(other);
    if (!first.done) pool.release(first.value.buf);
    expect((await blocks.next()).value).toMatchObject({ position: MiB, length: MiB });
    await blocks.return(undefined);
    await source.close();
  });

  it('hands back every buffer when the consumer stops early', async () => {
    const source = await fileSource(join(dir, 'image.img'));
    const pool = new AlignedPool(2, MiB);
    for await (const { buf } of source.blocks(pool, { ranges: [[0, Infinity]] })) {
      pool.release(buf);
      break;
    }
    await source.close();
    // Both buffers are free again: a leaked one would leave this waiting until the timeout.
    const signal = AbortSignal.timeout(2000);
    await expect(Promise.all([pool.acquire(signal), pool.acquire(signal)])).resolves.toHaveLength(2);
  });
});
