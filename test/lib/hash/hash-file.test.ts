import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALGORITHMS, DIGEST_HEX_LENGTH } from '../../../src/lib/hash/algorithms.js';
import { DEFAULT_CHUNK_SIZE, hashFile } from '../../../src/lib/hash/hash-file.js';
import { missingTools, referenceDigest } from './reference-digests.js';

const MiB = 1 << 20;
// Empty, 1 byte, both sides of the read size and of 2 reads, odd sizes, 64 MiB.
const SIZES = [0, 1, 1000, MiB - 1, MiB, MiB + 1, 2 * MiB - 1, 2 * MiB + 3, 3 * MiB + 12345, 64 * MiB];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dlkit-hash-file-'));
  for (const size of SIZES) writeFileSync(join(dir, `f${size}`), randomBytes(size));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(missingTools.length > 0)(`digests equal the real tools' (missing: ${missingTools.join(' ') || 'none'})`, () => {
  it.each(SIZES)('%i bytes, all algorithms in one pass', async (size) => {
    const path = join(dir, `f${size}`);
    const result = await hashFile(path, ALGORITHMS);
    expect(result.bytes).toBe(size);
    for (const algorithm of ALGORITHMS) {
      expect(result.digests[algorithm], algorithm).toBe(referenceDigest(algorithm, path));
      expect(result.digests[algorithm]).toHaveLength(DIGEST_HEX_LENGTH[algorithm]);
    }
  });

  it('small odd read sizes give the same digests', async () => {
    const path = join(dir, `f${3 * MiB + 12345}`);
    const big = await hashFile(path, ALGORITHMS);
    const small = await hashFile(path, ALGORITHMS, { chunkSize: 4093 });
    expect(small).toEqual(big);
  });
});

it('reports progress with the bytes hashed so far', async () => {
  const seen: number[] = [];
  await hashFile(join(dir, `f${2 * MiB + 3}`), ['crc32'], { onProgress: (n) => seen.push(n) });
  expect(seen).toEqual([DEFAULT_CHUNK_SIZE, 2 * DEFAULT_CHUNK_SIZE, 2 * MiB + 3]);
});

describe('errors', () => {
  it('a directory: "Is a directory", exit 1 like sha256sum', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    await expect(hashFile(sub, ['sha256'])).rejects.toMatchObject({
      code: 'DL_ERR_IS_DIRECTORY',
      exitCode: 1,
      message: `${sub}: Is a directory`,
    });
  });

  it('a missing file: no input, exit 66', async () => {
    const path = join(dir, 'nope');
    await expect(hashFile(path, ['sha256'])).rejects.toMatchObject({
      code: 'DL_ERR_NO_INPUT',
      exitCode: 66,
      message: `${path}: No such file or directory`,
    });
  });

  it('a path through a file: no input, exit 66', async () => {
    await expect(hashFile(join(dir, 'f1', 'x'), ['md5'])).rejects.toMatchObject({ exitCode: 66 });
  });

  // root reads any file whatever its mode; /proc/self/mem refuses read() at offset 0 with EIO,
  // which stands in for an unreadable file (the EACCES → 77 mapping is the same table entry path).
  it('an unreadable file: I/O error, exit 74', async () => {
    await expect(hashFile('/proc/self/mem', ['sha256'])).rejects.toMatchObject({ code: 'DL_ERR_IO', exitCode: 74 });
  });

  it.skipIf(process.getuid?.() === 0)('a file without read permission: exit 77 (not as root)', async () => {
    const path = join(dir, 'locked');
    writeFileSync(path, 'x', { mode: 0o000 });
    await expect(hashFile(path, ['sha256'])).rejects.toMatchObject({ code: 'DL_ERR_PERMISSION', exitCode: 77 });
  });

  it('an aborted signal: interrupted, exit 130', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(hashFile(join(dir, `f${2 * MiB + 3}`), ['sha256'], { signal: controller.signal })).rejects.toMatchObject({
      code: 'DL_ERR_INTERRUPTED',
      exitCode: 130,
    });
  });
});
