import { BlockOutput } from './bzip2/block-output.js';
import type { Block } from './bzip2/read-block.js';
import { CodecFailure } from './transform-stage.js';
import { decodeXz } from './xz/xz-decoder.js';

/**
 * The CPU-heavy halves of the parallel decoders, run on DecodePool's worker threads (or
 * in the calling thread when there are none). Inputs and outputs are whole ArrayBuffers
 * so that they move between threads without copies.
 */
export type DecodeJob =
  /** A self-contained single-block .xz stream and the block's uncompressed size. */
  | { kind: 'xz'; stream: Uint8Array; size: number }
  /** A bzip2 block after Huffman/MTF decoding: inverse BWT, run-length decoding, CRC. */
  | { kind: 'bzip2'; tt: Uint32Array; block: Block };

export type JobResult =
  | { ok: true; output: Uint8Array; crc: number; tt?: Uint32Array }
  /** offset: into the job's input (xz), or 0 (bzip2: the caller knows the block). */
  | { ok: false; offset: number; reason: string };

async function xzJob(stream: Uint8Array, size: number): Promise<JobResult> {
  const output = Buffer.allocUnsafeSlow(size);
  let at = 0;
  try {
    for await (const b of decodeXz([Buffer.from(stream.buffer, stream.byteOffset, stream.byteLength)])) {
      if (at + b.length > size) return { ok: false, offset: stream.length, reason: 'block larger than its header says' };
      output.set(b, at);
      at += b.length;
    }
  } catch (e) {
    if (e instanceof CodecFailure) return { ok: false, offset: e.offset, reason: e.reason };
    throw e;
  }
  return { ok: true, output, crc: 0 };
}

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
  return job.kind === 'xz' ? xzJob(job.stream, job.size) : Promise.resolve(bzip2Job(job.tt, job.block));
}

/** The buffers a job or result hands over to the other thread. */
export const transfers = (x: DecodeJob | JobResult): ArrayBuffer[] =>
  [('stream' in x ? x.stream : 'output' in x ? x.output : undefined), 'tt' in x ? x.tt : undefined]
    .filter((v): v is Uint8Array | Uint32Array => v !== undefined)
    .map((v) => v.buffer as ArrayBuffer);
