import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlobSource } from '../../../src/lib/stargz/blob-source.js';
import { mergeLayers } from '../../../src/lib/stargz/merge-layers.js';
import { openLayer } from '../../../src/lib/stargz/open-layer.js';
import { readFiles } from '../../../src/lib/stargz/read-files.js';
import { buildEstargz, type BuildOptions } from './estargz-builder.js';

/** A blob held in memory, read like any other source. */
export function memorySource(blob: Buffer, label = 'test-layer'): BlobSource {
  let bytesRead = 0;
  return {
    label,
    size: blob.length,
    get bytesRead() {
      return bytesRead;
    },
    read: async (offset, length) => {
      if (offset + length > blob.length) throw new Error('read past the end');
      bytesRead += length;
      return blob.subarray(offset, offset + length);
    },
  };
}

const content = randomBytes(3000);
const tree = [{ name: 'etc', type: 'dir' as const }, { name: 'etc/passwd', content }, { name: 'empty', content: Buffer.alloc(0) }];

type Toc = Parameters<NonNullable<BuildOptions['tocJson']>>[0];
const edit = (fn: (entries: Record<string, unknown>[]) => void) => (toc: Toc): string => (fn(toc.entries), JSON.stringify(toc));
const passwd = (entries: Record<string, unknown>[]): Record<string, unknown> => entries.find((e) => e.name === 'etc/passwd')!;

describe('the builder used by tests and benchmarks', () => {
  it('writes layers our reader reads back, chunk for chunk', async () => {
    const big = randomBytes(300_000);
    const built = buildEstargz([...tree, { name: 'big', content: big }], { chunkSize: 64 * 1024 });
    const layer = await openLayer(memorySource(built.blob), { tocDigest: built.tocDigest });
    const files = mergeLayers([layer.entries]);
    expect(files.map((f) => f.path)).toEqual(['big', 'empty', 'etc', 'etc/passwd']);
    expect(files[0]!.chunks).toHaveLength(5);
    const out: Buffer[] = [];
    for await (const p of readFiles([layer], [files[0]!])) out.push(p.data);
    expect(Buffer.concat(out).equals(big)).toBe(true);
  });
});

describe('hostile TOCs are refused cleanly (65, DL_ERR_BAD_TOC)', () => {
  it.each<[string, BuildOptions]>([
    ['a name with ..', { tocJson: edit((e) => void (passwd(e).name = '../../etc/passwd')) }],
    ['a name that climbs out through a/../..', { tocJson: edit((e) => void (passwd(e).name = 'etc/../../x')) }],
    ['a hardlink to ../', { tocJson: edit((e) => void e.push({ name: 'l', type: 'hardlink', linkName: '../../x' })) }],
    ['a chunk offset past the data', { tocJson: edit((e) => void (passwd(e).offset = 10 ** 9)) }],
    ['a negative offset', { tocJson: edit((e) => void (passwd(e).offset = -5)) }],
    ['an absurd size', { tocJson: edit((e) => void (passwd(e).size = 2 ** 60)) }],
    ['chunks that do not tile the file', { tocJson: edit((e) => void e.push({ name: 'etc/passwd', type: 'chunk', offset: 3000, chunkOffset: 7 })) }],
    ['an absurd chunk size', { tocJson: edit((e) => void (passwd(e).chunkSize = 2 ** 40)) }],
    ['a fractional mode', { tocJson: edit((e) => void (passwd(e).mode = 1.5)) }],
    ['an unknown type', { tocJson: edit((e) => void (passwd(e).type = 'socket')) }],
    ['a chunk of no file', { tocJson: edit((e) => void e.unshift({ name: 'x', type: 'chunk', offset: 10 })) }],
    ['broken JSON', { tocJson: (toc) => JSON.stringify(toc).slice(0, -20) }],
    ['JSON without entries', { tocJson: () => '{"version":1}' }],
    ['a footer pointing past the blob', { footerOffset: () => 2 ** 40 }],
  ])('%s', async (_what, opts) => {
    const built = buildEstargz(tree, opts);
    await expect(openLayer(memorySource(built.blob))).rejects.toMatchObject({ code: 'DL_ERR_BAD_TOC', exitCode: 65 });
  });

  it.each([
    ['inflates to more than it claims: decoding stops at the claim, the digest fails', 10],
    ['inflates to less than it claims: a short chunk', 5000],
  ])('a chunk that %s (65)', async (_what, size) => {
    const built = buildEstargz(tree, { tocJson: edit((e) => void (passwd(e).size = size)) });
    const layer = await openLayer(memorySource(built.blob));
    const entry = mergeLayers([layer.entries]).find((f) => f.path === 'etc/passwd')!;
    const drain = async (): Promise<void> => {
      for await (const _ of readFiles([layer], [entry])) void _;
    };
    await expect(drain()).rejects.toMatchObject({ code: 'DL_ERR_INTEGRITY', exitCode: 65 });
  });
});
