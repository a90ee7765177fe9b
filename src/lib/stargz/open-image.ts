import type { ImageSource } from '../registry/image-source.js';
import { earlySpans } from './early-spans.js';
import { mergeLayers, type ImageEntry } from './merge-layers.js';
import { indexLayer, readLayerToc, TOC_DIGEST_ANNOTATION, type LayerToc, type StargzLayer } from './open-layer.js';
import { orderedWindow } from './ordered-window.js';
import { PrefetchSource } from './prefetch-source.js';

export interface OpenedImage {
  source: ImageSource;
  layers: StargzLayer[];
  /** The merged file tree, sorted by path. */
  files: ImageEntry[];
  /** Stops the reads `prefetch` started that nobody took. */
  dropPrefetched(): void;
}

export interface OpenImageOptions {
  /** Layers read at once, and the reads prefetched per file. */
  concurrency?: number;
  signal?: AbortSignal;
  /**
   * Regular files the caller will read whole with readFiles: the reads of their first
   * chunks start as soon as the TOCs name them, while the TOCs are checked and merged.
   */
  prefetch?: readonly string[];
}

/**
 * Reads every layer's footer and TOC (`concurrency` layers at a time), each TOC checked
 * against the manifest's toc.digest annotation when there is one, and merges the layers.
 */
export async function openImage(source: ImageSource, opts: OpenImageOptions = {}): Promise<OpenedImage> {
  const width = opts.concurrency ?? 4;
  const early = opts.prefetch?.length ? source.layers.map((l) => new PrefetchSource(l.source)) : [];
  const dropPrefetched = (): void => early.forEach((s) => s.drop());
  const read = (i: number, signal: AbortSignal): Promise<LayerToc> => {
    const { descriptor, source: blob } = source.layers[i]!;
    return readLayerToc(early[i] ?? blob, { tocDigest: descriptor.annotations[TOC_DIGEST_ANNOTATION], signal });
  };
  try {
    const tocs: LayerToc[] = [];
    for await (const toc of orderedWindow([...source.layers.keys()], width, read, opts.signal)) tocs.push(toc);
    for (const path of opts.prefetch ?? []) {
      for (const span of earlySpans(tocs, path).slice(0, width)) early[span.layer]?.prefetch(span.start, span.end - span.start);
    }
    // undici writes a request out on a later turn of the event loop: give it that turn
    // before the indexing below holds the thread.
    if (early.length > 0) await new Promise((resolve) => setImmediate(resolve));
    const layers = tocs.map(indexLayer);
    return { source, layers, files: mergeLayers(layers.map((l) => l.entries)), dropPrefetched };
  } catch (err) {
    dropPrefetched();
    throw err;
  }
}
