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
  /**
   * The buffers to write this piece of output into, whole and unpooled (never slices of
   * Buffer's shared pool), so that they move between threads without copies: the caller
   * gives them, so that written ones can be filled again rather than a worker making
   * fresh ones, which waited dead in the main thread for its collector (RSS).
   */
  out: Uint8Array[];
}

/** A piece of a block's output, and where the block stands (done: state.left 0). */
export interface JobResult {
  parts: Uint8Array[];
  /** The job's `out` buffers the piece did not need. */
  unused: Uint8Array[];
  tt: Uint32Array;
  state: OutputState;
}

export function runJob({ tt, block, state, out }: DecodeJob): Promise<JobResult> {
  const output = new BlockOutput(tt, state ?? BlockOutput.link(tt, block));
  const parts: Uint8Array[] = [];
  while (!output.done && out.length > 0) {
    const chunk = out.shift()!;
    parts.push(chunk.subarray(0, output.fill(chunk)));
  }
  return Promise.resolve({ parts, unused: out, tt, state: output.state });
}

/** The buffers a job or result hands over to the other thread. */
export const transfers = (x: DecodeJob | JobResult): ArrayBuffer[] =>
  ['parts' in x ? [...x.parts, ...x.unused] : x.out, x.tt].flat().map((v) => v.buffer as ArrayBuffer);
