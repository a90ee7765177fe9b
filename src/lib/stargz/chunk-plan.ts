import type { Chunk } from './toc-entries.js';

/** A chunk some requested files need; `owners` are indexes into the request list. */
export interface NeededChunk {
  layer: number;
  chunk: Chunk;
  owners: number[];
}

/** One ranged read: blob bytes [start, end) of a layer, holding whole chunks. */
export interface Span {
  layer: number;
  start: number;
  end: number;
  chunks: NeededChunk[];
}

export interface ChunkRequest {
  layer: number;
  chunks: readonly Chunk[];
}

/** A span grows no larger than this, so several can be in flight and memory stays bounded. */
export const MAX_SPAN_BYTES = 8 * 1024 * 1024;

/**
 * The reads that fetch every chunk the requests need and nothing else: each chunk once
 * (hardlinks share theirs), in blob order, adjacent chunks of a layer coalesced into one
 * read up to `maxSpan` bytes. Spans come out ordered by layer then offset, so each file's
 * chunks arrive in file order.
 */
export function planSpans(requests: readonly ChunkRequest[], maxSpan = MAX_SPAN_BYTES): Span[] {
  const byKey = new Map<string, NeededChunk>();
  requests.forEach((req, owner) => {
    for (const chunk of req.chunks) {
      const key = `${req.layer}:${chunk.offset}`;
      const known = byKey.get(key);
      if (known) known.owners.push(owner);
      else byKey.set(key, { layer: req.layer, chunk, owners: [owner] });
    }
  });
  const needed = [...byKey.values()].sort((a, b) => a.layer - b.layer || a.chunk.offset - b.chunk.offset);
  const spans: Span[] = [];
  for (const n of needed) {
    const last = spans.at(-1);
    const joins = last !== undefined && last.layer === n.layer && n.chunk.offset === last.end && n.chunk.end - last.start <= maxSpan;
    if (joins) {
      last.end = n.chunk.end;
      last.chunks.push(n);
    } else {
      spans.push({ layer: n.layer, start: n.chunk.offset, end: n.chunk.end, chunks: [n] });
    }
  }
  return spans;
}
