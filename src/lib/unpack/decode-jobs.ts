import { BlockOutput } from './bzip2/block-output.js';
import type { Block } from './bzip2/read-block.js';

/**
 * The CPU-heavy halves of the parallel decoders, run on DecodePool's worker threads (or
 * in the calling thread when there are none). Inputs and outputs are whole ArrayBuffers
 * so that they move between threads without copies.
 */
export type DecodeJob =
  /** A bzip2 block after Huffman/MTF decoding: inverse BWT, run-length decoding, CRC. */
  { kind: 'bzip2'; tt: Uint32Array; block: Block };

export type JobResult =
  | { ok: true; output: Uint8Array; crc: number; tt?: Uint32Array }
  /** offset: 0 (the caller knows the block). */
  | { ok: false; offset: number; reason: string };

const BZIP2_CHUNK = 1024 * 1024;

function bzip2Job(tt: Uint32Array, block: Block): JobResult {
  const out = new BlockOutput(tt, block);
  const parts: Buffer[] = [];
  let total = 0;
  while (!out.done) {
    const chunk = Buffer.allocUnsafe(BZIP2_CHUNK);
    parts.push(chunk.subarray(0, out.fill(chunk)));
    total += parts.at(-1)!.length;
  }
  // Joined into an unpooled buffer (never a slice of Buffer's shared pool): its
  // ArrayBuffer is transferred whole. One 1 MiB chunk is unpooled already.
  let output = parts[0]!;
  if (parts.length > 1) {
    output = Buffer.allocUnsafeSlow(total);
    parts.reduce((at, p) => at + p.copy(output, at), 0);
  }
  return { ok: true, output, crc: out.computedCrc, tt };
}

export function runJob(job: DecodeJob): Promise<JobResult> {
  return Promise.resolve(bzip2Job(job.tt, job.block));
}

/** The buffers a job or result hands over to the other thread. */
export const transfers = (x: DecodeJob | JobResult): ArrayBuffer[] =>
  ['output' in x ? x.output : undefined, 'tt' in x ? x.tt : undefined]
    .filter((v): v is Uint8Array | Uint32Array => v !== undefined)
    .map((v) => v.buffer as ArrayBuffer);
