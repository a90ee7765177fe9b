import { describe, expect, it } from 'vitest';
import { mergeLayers, type ImageEntry } from '../../../src/lib/stargz/merge-layers.js';
import type { LayerEntry } from '../../../src/lib/stargz/toc-entries.js';
import { expected, imagesWithFiles, modeString, openFixtureLayer, type ExpectedFile } from './fixtures.js';

/** What expected.json says of an entry, in its own terms. */
function described(e: ImageEntry): ExpectedFile {
  const common = { path: e.path, type: e.type, layer: e.layer };
  if (e.implicit) return { ...common, mode: null, uid: null, gid: null, mtime: null, implicit: true } as unknown as ExpectedFile;
  return {
    ...common,
    mode: modeString(e.mode),
    uid: e.uid,
    gid: e.gid,
    ...(e.mtime === undefined ? {} : { mtime: e.mtime }),
    ...(e.type === 'reg' || e.type === 'hardlink' ? { size: e.size, sha256: e.digest! } : {}),
    ...(e.linkName === undefined ? {} : { linkName: e.linkName }),
  };
}

describe('mergeLayers on the reference images', () => {
  it.each(imagesWithFiles.map(([name, img]) => [name, img] as const))('%s: the merged tree is the ground truth', async (_name, img) => {
    const layers = await Promise.all(img.layers!.map((l) => openFixtureLayer(l.name)));
    const merged = mergeLayers(layers.map((l) => l.entries));
    const want = img.files!.map((f) => {
      const { hardlinkGroup: _g, ...rest } = f as ExpectedFile & { hardlinkGroup?: string };
      return rest;
    });
    expect(merged.map(described)).toEqual(want);
    expect(merged).toHaveLength(img.fileCount!);
  });

  it('keeps whited-out and opaque-hidden paths out of the tree', async () => {
    const img = expected.images.multi!;
    const layers = await Promise.all(img.layers!.map((l) => openFixtureLayer(l.name)));
    const paths = new Set(mergeLayers(layers.map((l) => l.entries)).map((e) => e.path));
    for (const p of img.mustFail!) expect(paths.has(p), p).toBe(false);
  });
});

const file = (path: string, type: LayerEntry['type'] = 'reg'): LayerEntry => ({ path, type, mode: 0o644, uid: 0, gid: 0, mtime: 0, size: 0, chunks: [] });

describe('mergeLayers rules', () => {
  it.each([
    ['a whiteout removes a file and a tree', [[file('a'), file('d', 'dir'), file('d/x')], [file('.wh.a'), file('.wh.d')]], []],
    ['an opaque marker hides lower children but keeps its layer’s own', [[file('d', 'dir'), file('d/old')], [file('d/new'), file('d/.wh..wh..opq')]], ['d', 'd/new']],
    ['a whiteout in a layer does not hide that layer’s own entry', [[file('x')], [file('y'), file('.wh.y')]], ['x', 'y']],
    ['a file over a directory drops the tree below', [[file('t', 'dir'), file('t/a')], [file('t')]], ['t']],
    ['a directory over a directory merges', [[file('t', 'dir'), file('t/a')], [file('t', 'dir'), file('t/b')]], ['t', 't/a', 't/b']],
    ['missing parents become implicit directories', [[file('p/q/r')]], ['p', 'p/q', 'p/q/r']],
  ])('%s', (_what, layers, paths) => {
    expect(mergeLayers(layers).map((e) => e.path)).toEqual(paths);
  });
});
