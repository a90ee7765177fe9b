import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileBlobSource } from '../../../src/lib/stargz/blob-source.js';
import { mergeLayers } from '../../../src/lib/stargz/merge-layers.js';
import { openLayer } from '../../../src/lib/stargz/open-layer.js';
import { readFiles } from '../../../src/lib/stargz/read-files.js';
import { blobPath, expected, openFixtureLayer, type ExpectedImage } from './fixtures.js';

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function openImage(img: ExpectedImage) {
  const layers = await Promise.all(img.layers!.map((l) => openFixtureLayer(l.name)));
  return { layers, files: mergeLayers(layers.map((l) => l.entries)) };
}

const fetches = ['multi', 'arm64', 'legacy', 'zstd'].flatMap((name) =>
  expected.images[name]!.fetch!.map((f) => [`${name}: ${f.path}`, name, f] as const),
);

describe('readFiles', () => {
  it.each(fetches)('%s: bytes match, and only its chunks are read', async (_label, image, want) => {
    const { layers, files } = await openImage(expected.images[image]!);
    const entry = files.find((f) => f.path === want.path)!;
    const layer = layers[entry.contentLayer ?? entry.layer]!;
    const before = layer.source.bytesRead;
    const parts: Buffer[] = [];
    for await (const piece of readFiles(layers, [entry], { concurrency: 3 })) parts.push(piece.data);
    expect(sha256(Buffer.concat(parts))).toBe(want.sha256);
    expect(layer.source.bytesRead - before).toBe(want.compressedSpan?.bytes ?? 0);
  });

  it('yields each file in order and marks its last piece after the digest matched', async () => {
    const { layers, files } = await openImage(expected.images.multi!);
    const wanted = files.filter((f) => ['data/odd-2MiB.bin', 'hello.txt', 'links/hello-hardlink'].includes(f.path));
    const seen = new Map<number, number[]>();
    const lasts: number[] = [];
    for await (const p of readFiles(layers, wanted, { concurrency: 2 })) {
      seen.set(p.index, [...(seen.get(p.index) ?? []), p.position]);
      if (p.last) lasts.push(p.index);
    }
    for (const positions of seen.values()) expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(lasts.sort()).toEqual([0, 1, 2]);
  });

  describe('a flipped bit in the blob', () => {
    const dirs: string[] = [];
    afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
    it.each([
      ['inside a chunk of hello.txt', 'hello.txt', 115 + 40],
      ['inside the 3rd chunk of odd-2MiB.bin', 'data/odd-2MiB.bin', 7589615 - 300],
    ])('%s is caught (exit 65)', async (_what, path, offset) => {
      const dir = await mkdtemp(join(tmpdir(), 'stargz-flip-'));
      dirs.push(dir);
      const blob = await readFile(blobPath('l1'));
      blob[offset] = blob[offset]! ^ 0x10;
      await writeFile(join(dir, 'l1.blob'), blob);
      const layer = await openLayer(await fileBlobSource(join(dir, 'l1.blob'), 'l1'));
      const entry = mergeLayers([layer.entries]).find((e) => e.path === path)!;
      const drain = async (): Promise<void> => {
        for await (const _ of readFiles([layer], [entry])) void _;
      };
      await expect(drain()).rejects.toMatchObject({ exitCode: 65 });
    });
  });
});
