import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isDlError } from '../../../src/lib/errors/dl-error.js';
import { decodeInput } from '../../../src/lib/unpack/decode-input.js';
import type { Format } from '../../../src/lib/unpack/formats.js';
import { newCounters } from '../../../src/lib/unpack/stage.js';
import { chunksOf, collect, hasTool, mixedBytes, sh, tempDir } from './tools.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const plain = mixedBytes(3_000_000);
const plainPath = join(tmp.dir, 'plain');
writeFileSync(plainPath, plain);
const second = mixedBytes(1_200_000, 7);
const secondPath = join(tmp.dir, 'second');
writeFileSync(secondPath, second);
const both = Buffer.concat([plain, second]);

async function decode(input: Buffer, chunk = 65536, format?: Format) {
  const counters = newCounters();
  const d = await decodeInput(chunksOf(input, chunk), { counters, format });
  return { ...d, bytes: await collect(d.output), counters };
}

async function failure(input: Buffer): Promise<{ code: string; exitCode: number; offset: number; message: string }> {
  try {
    await decode(input);
  } catch (e) {
    if (!isDlError(e)) throw e;
    return { code: e.code, exitCode: e.exitCode, offset: Number(e.details?.offset), message: e.message };
  }
  throw new Error('decoded without an error');
}

// [name, tool that must exist, shell command writing the compressed bytes, expected output]
const cases: Array<[string, string, string, Buffer]> = [
  ['gzip', 'gzip', `gzip -c plain`, plain],
  ['gzip multi-member', 'gzip', `gzip -c plain; gzip -c second`, both],
  ['pigz', 'pigz', `pigz -c -p 2 plain`, plain],
  ['xz', 'xz', `xz -c -1 plain`, plain],
  ['xz multi-stream with padding', 'xz', `xz -c -1 plain; head -c 8 /dev/zero; xz -c -1 second`, both],
  ['xz -T0 multi-block', 'xz', `xz -c -1 -T0 --block-size=262144 plain`, plain],
  ['zstd', 'zstd', `zstd -q -c plain`, plain],
  ['zstd multi-frame with a skippable frame', 'zstd', `printf 'P*M\\030\\004\\000\\000\\000abcd'; zstd -q -c plain; zstd -q -c second`, both],
  ['bzip2', 'bzip2', `bzip2 -c plain`, plain],
  ['bzip2 -1 multi-stream', 'bzip2', `bzip2 -1 -c plain; bzip2 -c second`, both],
];

describe('decodeInput: real tools, byte for byte', () => {
  it.each(cases)('%s', async (_name, tool, script, expected) => {
    if (!hasTool(tool)) return expect.soft(tool).toBe(`skipped: ${tool} missing`);
    const input = sh(script, tmp.dir);
    const out = await decode(input, 50_000);
    expect(out.bytes.equals(expected)).toBe(true);
    expect(out.counters).toEqual({ bytesIn: input.length, bytesOut: expected.length });
  });
});

describe('decodeInput: damaged input is exit 65 with the offset', () => {
  it.each(['gzip', 'xz', 'zstd', 'bzip2'])('%s truncated', async (tool) => {
    const input = sh(`${tool} -c plain`, tmp.dir);
    const cut = Math.floor(input.length * 0.6);
    const f = await failure(input.subarray(0, cut));
    expect(f).toMatchObject({ code: 'DL_ERR_CORRUPT', exitCode: 65 });
    expect(f.offset).toBeGreaterThan(cut - 70_000);
    expect(f.offset).toBeLessThanOrEqual(cut);
    expect(f.message).toContain(`at byte ${f.offset}`);
  });

  it.each(['gzip', 'xz', 'zstd', 'bzip2'])('%s with a flipped bit', async (tool) => {
    const input = Buffer.from(sh(`${tool} -c plain`, tmp.dir));
    const at = Math.floor(input.length / 2);
    input[at]! ^= 0x10;
    const f = await failure(input);
    expect(f).toMatchObject({ code: 'DL_ERR_CORRUPT', exitCode: 65 });
    expect(f.offset).toBeLessThanOrEqual(input.length);
  });
});

describe('decodeInput: input that is not compressed', () => {
  it('names what it looks like', async () => {
    await expect(decode(Buffer.from('#!/bin/sh\necho hello\n'))).rejects.toMatchObject({
      code: 'DL_ERR_NOT_COMPRESSED',
      exitCode: 65,
      message: 'input is not compressed (it looks like text)',
    });
    const tar = sh('tar -cf - plain', tmp.dir);
    await expect(decode(tar)).rejects.toThrow('it looks like a tar archive');
    const elf = sh('head -c 4096 /bin/sh');
    await expect(decode(elf)).rejects.toThrow('it looks like an ELF executable');
  });

  it('-f passes it through unchanged', async () => {
    const counters = newCounters();
    const d = await decodeInput(chunksOf(plain), { counters, force: true });
    expect(d.compression).toBeNull();
    expect((await collect(d.output)).equals(plain)).toBe(true);
  });

  it('--format forces a decoder', async () => {
    const out = await decode(sh('gzip -c plain', tmp.dir), 65536, 'gzip');
    expect(out.bytes.equals(plain)).toBe(true);
    await expect(decode(plain, 65536, 'xz')).rejects.toMatchObject({ code: 'DL_ERR_CORRUPT' });
  });
});

describe('decodeInput: --max-size', () => {
  it('stops a bomb with exit 65', async () => {
    const counters = newCounters();
    const bomb = sh('head -c 200000000 /dev/zero | zstd -q -c');
    const run = async () => collect((await decodeInput(chunksOf(bomb), { counters, maxSize: 10_000_000 })).output);
    await expect(run()).rejects.toMatchObject({ code: 'DL_ERR_TOO_LARGE', exitCode: 65 });
    expect(counters.bytesOut).toBeLessThanOrEqual(10_000_000);
  });

  it('sees the inner tar of a .tar.gz', async () => {
    const d = await decode(sh('tar -cf - plain | gzip -c', tmp.dir));
    expect([d.compression, d.inner]).toEqual(['gzip', 'tar']);
  });
});
