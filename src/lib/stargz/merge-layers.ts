import { ancestorsOf, baseOf, OPAQUE, parentOf, WHITEOUT, whitedOut } from './entry-name.js';
import type { LayerEntry } from './toc-entries.js';

/** An entry of the merged image: which layer it comes from; `implicit` dirs have no entry of their own. */
export interface ImageEntry extends LayerEntry {
  layer: number;
  /** The layer holding the content when it is not `layer` (a hardlink into a lower layer). */
  contentLayer?: number;
  implicit?: true;
}

/** Deletes `path` and everything under it ('' is the root: everything). */
function removeTree(view: Map<string, ImageEntry>, path: string): void {
  const prefix = path === '' ? '' : `${path}/`;
  view.delete(path);
  for (const key of view.keys()) if (key.startsWith(prefix)) view.delete(key);
}

function removeChildren(view: Map<string, ImageEntry>, dir: string): void {
  const prefix = dir === '' ? '' : `${dir}/`;
  for (const key of view.keys()) if (key.startsWith(prefix) && key !== dir) view.delete(key);
}

/** Whether the base name of a clean path starts with `prefix`, without slicing it out. */
const baseStartsWith = (path: string, prefix: string): boolean => path.startsWith(prefix, path.lastIndexOf('/') + 1);

/** The whiteouts of one layer, applied to the layers below it only. */
function applyWhiteouts(view: Map<string, ImageEntry>, entries: readonly LayerEntry[]): void {
  for (const { path } of entries) {
    if (!baseStartsWith(path, WHITEOUT)) continue;
    if (baseOf(path) === OPAQUE) removeChildren(view, parentOf(path));
    else removeTree(view, whitedOut(path));
  }
}

function addEntries(view: Map<string, ImageEntry>, entries: readonly LayerEntry[], layer: number): void {
  for (const entry of entries) {
    if (baseStartsWith(entry.path, WHITEOUT)) continue;
    // A directory over a directory merges; anything else replaces the lower tree. Only a
    // directory has anything below it (every entry's parents are dirs), so a replaced
    // file needs no scan of the whole view: view.set below overwrites it.
    if (view.get(entry.path)?.type === 'dir' && entry.type !== 'dir') removeTree(view, entry.path);
    // Everything in the view has its parents there as directories: a parent that is one
    // already (the usual case) needs no walk up.
    const parent = parentOf(entry.path);
    if (parent !== '' && view.get(parent)?.type !== 'dir') addParents(view, entry.path, layer);
    view.set(entry.path, imageEntry(linkedContent(view, entry), layer));
  }
}

function addParents(view: Map<string, ImageEntry>, path: string, layer: number): void {
  for (const dir of ancestorsOf(path)) {
    if (view.get(dir)?.type === 'dir') continue;
    view.set(dir, { path: dir, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: undefined, size: 0, chunks: [], layer, implicit: true });
  }
}

/** The entry as the merged tree holds it: its fields, spelt out (a spread copies slowly before V8 optimises). */
function imageEntry(e: Omit<ImageEntry, 'layer'>, layer: number): ImageEntry {
  const out: ImageEntry = { path: e.path, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, size: e.size, chunks: e.chunks, layer };
  if (e.linkName !== undefined) out.linkName = e.linkName;
  if (e.digest !== undefined) out.digest = e.digest;
  if (e.contentLayer !== undefined) out.contentLayer = e.contentLayer;
  return out;
}

/** A hardlink to a file of a lower layer takes that file's content. */
function linkedContent(view: Map<string, ImageEntry>, entry: LayerEntry): Omit<ImageEntry, 'layer'> {
  if (entry.type !== 'hardlink' || entry.chunks.length > 0 || entry.digest !== undefined) return entry;
  const target = view.get(entry.linkName ?? '');
  if (target?.type !== 'reg') return entry;
  return { ...entry, size: target.size, digest: target.digest, chunks: target.chunks, contentLayer: target.contentLayer ?? target.layer };
}

/**
 * The image's file tree: layers applied bottom to top with OCI whiteouts (`.wh.NAME`
 * removes NAME, `.wh..wh..opq` empties its directory of lower-layer content), later
 * layers winning, missing parents made up as implicit directories. Sorted by path.
 */
export function mergeLayers(layers: readonly (readonly LayerEntry[])[]): ImageEntry[] {
  const view = new Map<string, ImageEntry>();
  layers.forEach((entries, layer) => {
    applyWhiteouts(view, entries);
    addEntries(view, entries, layer);
  });
  return [...view.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
