import type { BlobSource } from './blob-source.js';
import type { ChunkCodec } from './decode-prefix.js';
import { MAX_FOOTER_SIZE, parseFooter, type Footer, type LayerFormat } from './footer.js';
import { badTocError, digestMismatchError } from './stargz-errors.js';
import { tocEntries, type LayerEntry } from './toc-entries.js';
import { readTocJson } from './toc-json.js';

/** Manifest layer annotation written by eStargz builders (estargz/types.go). */
export const TOC_DIGEST_ANNOTATION = 'containerd.io/snapshot/stargz/toc.digest';

/**
 * First read: the blob's last 64 KiB. It holds the footer and, for layers of up to a few
 * hundred files, the whole TOC, saving a round trip; a larger TOC costs one more read of
 * exactly the missing bytes, so nothing is read twice.
 */
export const DEFAULT_TAIL_BYTES = 64 * 1024;

export interface OpenLayerOptions {
  /** The manifest's toc.digest annotation: the TOC must hash to it. */
  tocDigest?: string | undefined;
  tailBytes?: number;
  signal?: AbortSignal;
}

/** A layer whose TOC has been read and checked against its digest, not yet indexed. */
export interface LayerToc {
  source: BlobSource;
  format: LayerFormat;
  codec: ChunkCodec;
  footer: Footer;
  /** Compressed TOC bytes, footer excluded. */
  tocSize: number;
  /** sha256 of the TOC JSON. */
  tocDigest: string;
  /** The parsed TOC JSON, unchecked beyond its digest: input from the network. */
  toc: unknown;
}

export interface StargzLayer extends Omit<LayerToc, 'toc'> {
  /** Files in TOC order, names cleaned, landmarks and the root left out. */
  entries: LayerEntry[];
}

/** Reads footer and TOC of one layer (at most two reads), checks the TOC, and indexes it. */
export async function openLayer(source: BlobSource, opts: OpenLayerOptions = {}): Promise<StargzLayer> {
  return indexLayer(await readLayerToc(source, opts));
}

/** Reads footer and TOC of one layer (at most two reads) and checks the TOC's digest. */
export async function readLayerToc(source: BlobSource, opts: OpenLayerOptions = {}): Promise<LayerToc> {
  const { signal } = opts;
  const tailLength = Math.min(source.size, Math.max(MAX_FOOTER_SIZE, opts.tailBytes ?? DEFAULT_TAIL_BYTES));
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength, signal);
  const footer = parseFooter(tail, source.label);
  const dataEnd = source.size - footer.footerSize;
  const tocEnd = footer.tocLength === undefined ? dataEnd : footer.tocOffset + footer.tocLength;
  if (footer.tocOffset >= tocEnd || tocEnd > dataEnd) {
    throw badTocError(source.label, `its footer puts the TOC at ${footer.tocOffset}..${tocEnd}, outside the blob's ${source.size} bytes`);
  }
  const region = await tocRegion(source, tail, tailStart, footer.tocOffset, tocEnd, signal);
  const toc = await readTocJson(region, footer, source.label, signal);
  if (opts.tocDigest !== undefined && opts.tocDigest !== toc.digest) {
    throw digestMismatchError(`layer ${source.label}: table of contents`, opts.tocDigest, toc.digest, { layer: source.label });
  }
  const codec = footer.format === 'zstdchunked' ? 'zstd' : 'gzip';
  return { source, format: footer.format, codec, footer, tocSize: tocEnd - footer.tocOffset, tocDigest: toc.digest, toc: toc.value };
}

/** Checks every entry of a read TOC and indexes them (tocEntries). */
export function indexLayer({ toc, ...layer }: LayerToc): StargzLayer {
  return { ...layer, entries: tocEntries(toc, layer.footer.tocOffset, layer.source.label) };
}

/** Bytes [start, end) of the blob, taken from the tail already read where it covers them. */
async function tocRegion(source: BlobSource, tail: Buffer, tailStart: number, start: number, end: number, signal?: AbortSignal): Promise<Buffer> {
  if (start >= tailStart) return tail.subarray(start - tailStart, end - tailStart);
  const missing = await source.read(start, Math.min(end, tailStart) - start, signal);
  return end <= tailStart ? missing : Buffer.concat([missing, tail.subarray(0, end - tailStart)]);
}
