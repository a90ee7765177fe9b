import { describe, expect, it } from 'vitest';
import { fileBlobSource } from '../../../src/lib/stargz/blob-source.js';
import { openLayer } from '../../../src/lib/stargz/open-layer.js';
import { blobPath, expected, modeString, openFixtureLayer } from './fixtures.js';

const stargzLayers = Object.values(expected.layers).filter((l) => l.format !== 'plain-gzip');

describe('openLayer on the reference blobs', () => {
  it.each(stargzLayers.map((l) => [l.name, l] as const))('%s: footer, TOC digest and entries match the ground truth', async (_name, want) => {
    const layer = await openFixtureLayer(want.name);
    expect(layer.format).toBe(want.format);
    // zstd:chunked: the reference counts the 40-byte payload; the skippable frame adds 8.
    const footerSize = want.format === 'zstdchunked' ? want.footerSize! + 8 : want.footerSize;
    expect(layer.footer).toMatchObject({ footerSize, tocOffset: want.tocOffset });
    expect(layer.tocDigest).toBe(want.tocDigest);
    const got = new Map(layer.entries.map((e) => [e.path, e]));
    for (const e of want.entries) {
      const g = got.get(e.path);
      expect(g, e.path).toBeDefined();
      expect({ path: g!.path, type: g!.type, mode: modeString(g!.mode) }).toEqual({ path: e.path, type: e.type, mode: e.mode });
      if (e.sha256 !== undefined) expect(g!.digest, e.path).toBe(e.sha256);
      if (e.size !== undefined) expect(g!.size, e.path).toBe(e.size);
    }
    const landmarks = new Set(['.prefetch.landmark', '.no.prefetch.landmark']);
    expect(layer.entries.map((e) => e.path).sort()).toEqual((want.tocNames ?? []).filter((n) => !landmarks.has(n)).sort());
  });

  it.each([
    ['a tail that covers footer and TOC: one read', 1 << 20, 1],
    ['a tail of the footer only: one more read, of the TOC alone', 51, 2],
  ])('%s', async (_what, tailBytes, reads) => {
    const l1 = expected.layers.l1!;
    const source = await fileBlobSource(blobPath('l1'), 'l1');
    let calls = 0;
    const counted = { ...source, label: 'l1', size: source.size, bytesRead: 0, read: (o: number, n: number) => (calls++, source.read(o, n)) };
    await openLayer(counted, { tailBytes });
    expect(calls).toBe(reads);
    expect(source.bytesRead).toBe(Math.max(Math.min(tailBytes, l1.size), l1.size - l1.tocOffset!));
  });

  it('refuses a TOC whose digest is not the one the manifest announces (65)', async () => {
    const source = await fileBlobSource(blobPath('l2'), 'l2');
    const wrong = expected.layers.l1!.tocDigest!;
    await expect(openLayer(source, { tocDigest: wrong })).rejects.toMatchObject({ code: 'DL_ERR_INTEGRITY', exitCode: 65 });
  });

  it('names a plain gzip layer in a clear error (65)', async () => {
    const source = await fileBlobSource(blobPath('plain'), 'sha256:da20ab85');
    await expect(openLayer(source)).rejects.toMatchObject({ code: 'DL_ERR_NOT_ESTARGZ', exitCode: 65, message: expect.stringContaining('sha256:da20ab85 is not eStargz') });
  });
});
