import { createHash, type Hash } from 'node:crypto';
import { integrityError } from '../errors/dl-error.js';
import { planSpans, type NeededChunk, type Span } from './chunk-plan.js';
import { decodePrefix } from './decode-prefix.js';
import type { ImageEntry } from './merge-layers.js';
import type { StargzLayer } from './open-layer.js';
import { orderedWindow } from './ordered-window.js';
import { digestMismatchError } from './stargz-errors.js';

/** Bytes of one requested file at `position`; `last` comes only after the whole file matched its digest. */
export interface FilePiece {
  /** Index into the entries given to readFiles. */
  index: number;
  position: number;
  data: Buffer;
  last: boolean;
}

export interface ReadFilesOptions {
  /** Ranged reads in flight at once. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after each ranged read with its size (progress). */
  onRead?: (bytes: number) => void;
}

const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/**
 * The content of regular files (and hardlinks) of a merged image, fetched chunk by chunk:
 * only the chunks these files need, adjacent ones in one read, `concurrency` reads in
 * flight. Every chunk is checked against its chunkDigest and every file against its
 * digest before its last piece is yielded; a mismatch throws DL_ERR_INTEGRITY (65).
 * Each file's pieces come in order; files with no content yield nothing.
 */
export async function* readFiles(layers: readonly StargzLayer[], entries: readonly ImageEntry[], opts: ReadFilesOptions = {}): AsyncGenerator<FilePiece> {
  const spans = planSpans(entries.map((e) => ({ layer: e.contentLayer ?? e.layer, chunks: e.chunks })));
  const hashers = new Map<number, { hash: Hash; bytes: number }>();
  const fetchSpan = async (span: Span, signal: AbortSignal): Promise<{ n: NeededChunk; data: Buffer }[]> => {
    const layer = layers[span.layer]!;
    const bytes = await layer.source.read(span.start, span.end - span.start, signal);
    opts.onRead?.(bytes.length);
    const out = [];
    for (const n of span.chunks) out.push({ n, data: await decodeChunk(layer, n, bytes.subarray(n.chunk.offset - span.start, n.chunk.end - span.start), signal) });
    return out;
  };
  for await (const decoded of orderedWindow(spans, Math.max(1, opts.concurrency ?? 4), fetchSpan, opts.signal)) {
    for (const { n, data } of decoded) {
      for (const index of n.owners) {
        const entry = entries[index]!;
        let state = hashers.get(index);
        if (!state) hashers.set(index, (state = { hash: createHash('sha256'), bytes: 0 }));
        state.hash.update(data);
        state.bytes += data.length;
        const last = state.bytes === entry.size;
        if (last) verifyFile(entry, `sha256:${state.hash.digest('hex')}`);
        yield { index, position: n.chunk.chunkOffset, data, last };
      }
    }
  }
}

async function decodeChunk(layer: StargzLayer, n: NeededChunk, compressed: Buffer, signal: AbortSignal): Promise<Buffer> {
  const { chunk } = n;
  const data = await decodePrefix(layer.codec, compressed, chunk.size, signal);
  const where = { layer: layer.source.label, offset: chunk.offset };
  if (data.length !== chunk.size) {
    throw integrityError(
      `layer ${layer.source.label}: the chunk at ${chunk.offset} holds ${data.length} bytes, not ${chunk.size}`,
      where,
      'the layer does not match its table of contents; the image is damaged',
    );
  }
  const actual = sha256(data);
  if (chunk.digest !== undefined && actual !== chunk.digest) {
    throw digestMismatchError(`layer ${layer.source.label}: chunk at ${chunk.offset}`, chunk.digest, actual, where);
  }
  return data;
}

function verifyFile(entry: ImageEntry, actual: string): void {
  if (entry.digest !== undefined && entry.digest !== actual) throw digestMismatchError(entry.path, entry.digest, actual, { path: entry.path });
}
