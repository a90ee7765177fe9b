import { codecStage } from '../unpack/codec-stage.js';

export type ChunkCodec = 'gzip' | 'zstd';

/**
 * The first `want` decompressed bytes of `compressed` (whole gzip members or zstd
 * frames). Decoding stops there, so a hostile span that would inflate to gigabytes costs
 * no more than `want`; the rest of the span (the next tar header) is never produced.
 * Fewer bytes than `want` means the span was short: the caller decides what that means.
 */
export async function decodePrefix(codec: ChunkCodec, compressed: Buffer, want: number, signal?: AbortSignal): Promise<Buffer> {
  if (want === 0) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  let have = 0;
  const input = (async function* () {
    yield compressed;
  })();
  for await (const piece of codecStage(codec)(input, { signal })) {
    const take = piece.subarray(0, want - have);
    parts.push(take);
    have += take.length;
    if (have >= want) break;
  }
  return Buffer.concat(parts, have);
}
