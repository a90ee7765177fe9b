import { BlockOutput, type OutputState } from './bzip2/block-output.js';
import type { Block } from './bzip2/read-block.js';

/**
 * The CPU-heavy half of the parallel bzip2 decoder, run on DecodePool's worker threads (or
 * in the calling thread when there are none). Inputs and outputs are whole ArrayBuffers
 * so that they move between threads without copies.
 */
export interface DecodeJob {
  /**
   * A bzip2 block after Huffman/MTF decoding: inverse BWT, run-length decoding, CRC.
   * Without `state` the block starts (tt is linked first); with it, its output goes on.
   */
  kind: 'bzip2';
  tt: Uint32Array;
  block: Block;
  state?: OutputState;
}

/** Up to PIECE_CHUNKS chunks of a block's output, and where it stands (done: state.left 0). */
export interface JobResult {
  parts: Uint8Array[];
  tt: Uint32Array;
  state: OutputState;
}

const CHUNK = 1024 * 1024;
/**
 * At most 4 MiB of output per job: a block of zeros expands to 46 MB, and the decoder
 * keeps a few jobs' output waiting in order; the rest of a block is a further job.
 */
const PIECE_CHUNKS = 4;

export function runJob({ tt, block, state }: DecodeJob): Promise<JobResult> {
  const out = new BlockOutput(tt, state ?? BlockOutput.link(tt, block));
  const parts: Uint8Array[] = [];
  // Unpooled chunks (never slices of Buffer's shared pool): their ArrayBuffers are
  // transferred whole.
  while (!out.done && parts.length < PIECE_CHUNKS) {
    const chunk = Buffer.allocUnsafeSlow(CHUNK);
    parts.push(chunk.subarray(0, out.fill(chunk)));
  }
  return Promise.resolve({ parts, tt, state: out.state });
}

/** The buffers a job or result hands over to the other thread. */
export const transfers = (x: DecodeJob | JobResult): ArrayBuffer[] =>
  ['parts' in x ? x.parts : [], x.tt].flat().map((v) => v.buffer as ArrayBuffer);
