import type { ImageSource } from '../registry/image-source.js';
import { mergeLayers, type ImageEntry } from './merge-layers.js';
import { openLayer, TOC_DIGEST_ANNOTATION, type StargzLayer } from './open-layer.js';
import { orderedWindow } from './ordered-window.js';

export interface OpenedImage {
  source: ImageSource;
  layers: StargzLayer[];
  /** The merged file tree, sorted by path. */
  files: ImageEntry[];
}

/**
 * Reads every layer's footer and TOC (`concurrency` layers at a time), each TOC checked
 * against the manifest's toc.digest annotation when there is one, and merges the layers.
 */
export async function openImage(source: ImageSource, opts: { concurrency?: number; signal?: AbortSignal } = {}): Promise<OpenedImage> {
  const layers: StargzLayer[] = [];
  const open = ({ descriptor, source: blob }: ImageSource['layers'][number], signal: AbortSignal): Promise<StargzLayer> =>
    openLayer(blob, { tocDigest: descriptor.annotations[TOC_DIGEST_ANNOTATION], signal });
  for await (const layer of orderedWindow(source.layers, opts.concurrency ?? 4, open, opts.signal)) layers.push(layer);
  return { source, layers, files: mergeLayers(layers.map((l) => l.entries)) };
}
