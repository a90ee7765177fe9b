import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ImageSource } from '../../../src/lib/registry/image-source.js';
import { fileBlobSource, type BlobSource } from '../../../src/lib/stargz/blob-source.js';
import { planSpans } from '../../../src/lib/stargz/chunk-plan.js';
import { earlySpans } from '../../../src/lib/stargz/early-spans.js';
import { mergeLayers } from '../../../src/lib/stargz/merge-layers.js';
import { openImage } from '../../../src/lib/stargz/open-image.js';
import { indexLayer, readLayerToc, TOC_DIGEST_ANNOTATION } from '../../../src/lib/stargz/open-layer.js';
import { readFiles } from '../../../src/lib/stargz/read-files.js';
import { buildEstargz } from './estargz-builder.js';
import { blobPath, expected, type ExpectedImage } from './fixtures.js';

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A fixture blob that records every read made of it. */
async function recorded(name: string): Promise<BlobSource & { reads: [number, number][] }> {
  const file = await fileBlobSource(blobPath(name), name);
  const reads: [number, number][] = [];
  return { reads, label: name, size: file.size, get bytesRead() { return file.bytesRead; }, read: (o, n, signal) => (reads.push([o, n]), file.read(o, n, signal)) };
}

async function imageSource(img: ExpectedImage) {
  const layers = await Promise.all(img.layers!.map(async (l) => ({ descriptor: { mediaType: l.mediaType, digest: l.digest, size: l.size, annotations: expected.layers[l.name]!.annotations }, source: await recorded(l.name) })));
  const source: ImageSource = { name: img.ref, layers, secrets: () => [] };
  return { source, blobs: layers.map((l) => l.source) };
}

const fetches = ['multi', 'arm64', 'legacy', 'zstd'].flatMap((name) => expected.images[name]!.fetch!.map((f) => [`${name}: ${f.path}`, name, f.path] as const));

describe('earlySpans: the reads of a file guessed from the TOCs before they are indexed', () => {
  it.each(fetches)('%s: none, or exactly the spans readFiles will ask for', async (_label, image, path) => {
    const img = expected.images[image]!;
    const tocs = await Promise.all(img.layers!.map(async (l) => readLayerToc(await fileBlobSource(blobPath(l.name), l.name))));
    const entry = mergeLayers(tocs.map((t) => indexLayer(t).entries)).find((e) => e.path === path)!;
    const real = planSpans([{ layer: entry.contentLayer ?? entry.layer, chunks: entry.chunks }]).map((s) => [s.layer, s.start, s.end]);
    const guessed = earlySpans(tocs, path).map((s) => [s.layer, s.start, s.end]);
    // Only hardlinks and empty files get no guess; a plain file's guess is right.
    if (entry.type === 'reg' && entry.size > 0) expect(guessed).toEqual(real);
    else expect(guessed).toEqual([]);
  });

  it.each(expected.images.multi!.mustFail!.map((p) => [p]))('%s, hidden or absent in the merged image: no guess', async (path) => {
    const img = expected.images.multi!;
    const tocs = await Promise.all(img.layers!.map(async (l) => readLayerToc(await fileBlobSource(blobPath(l.name), l.name))));
    expect(earlySpans(tocs, path)).toEqual([]);
  });
});

describe('openImage with prefetch', () => {
  it.each([
    ['multi', 'data/random-5MiB.bin'],
    ['multi', 'implicit/parent/child.txt'],
    ['zstd', 'data/blob-2MiB.bin'],
  ])('%s: %s is asked for while opening and read once, with the right bytes', async (image, path) => {
    const img = expected.images[image]!;
    const want = img.fetch!.find((f) => f.path === path)!;
    const { source, blobs } = await imageSource(img);
    const opened = await openImage(source, { concurrency: 2, prefetch: [path] });
    const entry = opened.files.find((e) => e.path === path)!;
    const blob = blobs[entry.layer]!;
    const spans = planSpans([{ layer: entry.layer, chunks: entry.chunks }]).map((s) => [s.start, s.end]);
    // The first spans (as many as the concurrency) were asked for while the image opened.
    expect(blob.reads.map(([o, n]) => [o, o + n])).toEqual(expect.arrayContaining(spans.slice(0, 2)));
    const parts: Buffer[] = [];
    for await (const piece of readFiles(opened.layers, [entry], { concurrency: 2 })) parts.push(piece.data);
    opened.dropPrefetched();
    expect(sha256(Buffer.concat(parts))).toBe(want.sha256);
    const spanReads = blob.reads.filter(([o, n]) => o >= entry.chunks[0]!.offset && o + n <= entry.chunks.at(-1)!.end);
    expect(spanReads.map(([o, n]) => [o, o + n])).toEqual(spans);
  });

  it('reads nothing early for a path a higher layer whites out', async () => {
    const { source, blobs } = await imageSource(expected.images.multi!);
    const opened = await openImage(source, { prefetch: ['delete-me.txt'] });
    opened.dropPrefetched();
    expect(opened.files.some((e) => e.path === 'delete-me.txt')).toBe(false);
    const tocBytes = blobs.reduce((n, b) => n + b.bytesRead, 0);
    const plain = await imageSource(expected.images.multi!);
    await openImage(plain.source);
    expect(tocBytes).toBe(plain.blobs.reduce((n, b) => n + b.bytesRead, 0));
  });

  it('fails cleanly (65) when the TOC is refused after its early read went out', async () => {
    const good = randomBytes(5000);
    const built = buildEstargz([{ name: 'good', content: good }, { name: 'bad', content: randomBytes(10) }], {
      tocJson: (toc) => JSON.stringify({ ...toc, entries: toc.entries.map((e) => (e.name === 'bad' ? { ...e, mode: -1 } : e)) }),
    });
    let reads = 0;
    const blob: BlobSource = { label: 'hostile', size: built.blob.length, bytesRead: 0, read: async (o, n) => (reads++, built.blob.subarray(o, o + n)) };
    const source: ImageSource = { name: 'hostile', layers: [{ descriptor: { mediaType: '', digest: built.digest, size: built.blob.length, annotations: {} }, source: blob }], secrets: () => [] };
    await expect(openImage(source, { prefetch: ['good'] })).rejects.toMatchObject({ code: 'DL_ERR_BAD_TOC', exitCode: 65 });
    expect(reads).toBe(2);
  });
});
