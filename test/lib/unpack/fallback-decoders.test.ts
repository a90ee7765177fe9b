import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findAddon } from '../../../src/lib/native/find-addon.js';
import { nativeDecodeStage } from '../../../src/lib/unpack/native-decoder.js';
import type { Stage } from '../../../src/lib/unpack/stage.js';
import { CodecFailure } from '../../../src/lib/unpack/transform-stage.js';
import { decodeXz } from '../../../src/lib/unpack/xz/xz-decoder.js';
import { zstdStage } from '../../../src/lib/unpack/zstd-stage.js';
import { chunksOf, collect, hasTool, mixedBytes, sh, tempDir } from './tools.js';

/**
 * Both ways xz and zstd are decoded: the system's liblzma and libzstd through
 * native/stream-decode.c (what decodeInput uses when the addon was built), and
 * lzma-native and zstd-napi (what it falls back to without it).
 */
const tmp = tempDir('dlkit-decoders-');
afterAll(tmp.cleanup);
const plain = mixedBytes(2_000_000);
const second = mixedBytes(900_000, 5);
writeFileSync(join(tmp.dir, 'plain'), plain);
writeFileSync(join(tmp.dir, 'second'), second);
const both = Buffer.concat([plain, second]);

const addonBuilt = findAddon('stream_decode') !== undefined;
const decoders: Array<[string, 'xz' | 'zstd', () => Stage | undefined]> = [
  ['liblzma (addon)', 'xz', () => nativeDecodeStage('xz')],
  ['lzma-native', 'xz', () => (source) => decodeXz(source)],
  ['libzstd (addon)', 'zstd', () => nativeDecodeStage('zstd')],
  ['zstd-napi or node:zlib', 'zstd', () => zstdStage()],
];
const inputs: Record<'xz' | 'zstd', Array<[string, string, Buffer]>> = {
  xz: [
    ['multi-stream with padding', 'xz -c -1 plain; head -c 8 /dev/zero; xz -c -1 second', both],
    ['-T0 multi-block', 'xz -c -1 -T0 --block-size=262144 plain', plain],
  ],
  zstd: [['multi-frame with a skippable frame', `printf 'P*M\\030\\004\\000\\000\\000abcd'; zstd -q -c plain; zstd -q -c second`, both]],
};

describe.each(decoders)('%s', (name, format, make) => {
  const skip = !hasTool(format) || (name.includes('addon') && !addonBuilt);
  it.skipIf(skip).each(inputs[format])('%s: the same bytes as the real tool', async (_what, script, expected) => {
    const out = await collect(make()!(chunksOf(sh(script, tmp.dir), 50_000)));
    expect(out.equals(expected)).toBe(true);
  });

  it.skipIf(skip)('truncated: a CodecFailure at most at the cut', async () => {
    const input = sh(`${format} -c plain`, tmp.dir);
    const cut = Math.floor(input.length * 0.6);
    const failure = await collect(make()!(chunksOf(input.subarray(0, cut)))).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CodecFailure);
    expect((failure as CodecFailure).offset).toBeLessThanOrEqual(cut);
  });
});
