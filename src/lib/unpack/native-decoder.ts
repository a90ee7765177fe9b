import { availableParallelism } from 'node:os';
import { findAddon } from '../native/find-addon.js';
import type { CodecOptions } from './codec-stage.js';
import { OUTPUT_CHUNK, type Stage } from './stage.js';
import { CodecFailure } from './transform-stage.js';

/** native/stream-decode.c: liblzma and libzstd of the system. */
interface StreamDecode {
  open(kind: 'xz' | 'zstd', threads: number, memlimitMiB: number): object;
  /** [input bytes used, output bytes written (good even with an error), ended, error] */
  code(handle: object, input: Uint8Array, output: Uint8Array, finish: boolean): [number, number, boolean, string | null];
}

/**
 * What liblzma's threads may hold (each a block's input and output, and its dictionary).
 * Two threads of `xz -6 -T0` blocks take 78 MiB (24 MiB out, 6 MiB in, 9 MiB of
 * dictionary each): 80 runs them, as 96 did (1 GiB: 1.69 s against 2.46 s on one thread),
 * and 96 only let liblzma keep freed buffers as well: 14 MiB more peak RSS, no faster.
 * Under 78 one thread decodes.
 */
const XZ_THREAD_MEMORY_MIB = 80;
const EMPTY = new Uint8Array(0);

/**
 * xz or zstd decoded by the system's libraries, the ones `xz -dc` and `zstd -dc` run:
 * liblzma's multi-threaded decoder for the blocks `xz -T` writes, concatenated streams and
 * padding, multi-frame zstd and skippable frames. Undefined when the addon was not built
 * (no liblzma-dev or libzstd-dev at install): the callers fall back to lzma-native and
 * zstd-napi. Output comes a bounded buffer at a time, so backpressure holds; its buffers
 * come from `output` (given back by the consumer once written) and each input chunk goes
 * back to `input` once decoded: the libraries keep no pointer into it between calls.
 */
export function nativeDecodeStage(kind: 'xz' | 'zstd', { output, input: given }: CodecOptions = {}): Stage | undefined {
  const addon = findAddon<StreamDecode>('stream_decode');
  if (addon === undefined) return undefined;
  const { open, code } = addon;
  const fresh = (): Buffer => output?.take() ?? Buffer.allocUnsafe(OUTPUT_CHUNK);
  return async function* (source) {
    const handle = open(kind, kind === 'xz' ? availableParallelism() : 1, XZ_THREAD_MEMORY_MIB);
    let offset = 0;
    let out = fresh();
    let failure: string | null = null;
    // Output comes before the failure found in the same call: it is good bytes.
    function* step(input: Uint8Array, finish: boolean): Generator<Buffer, [number, boolean]> {
      if (failure !== null) throw new CodecFailure(offset, failure);
      const [used, written, ended, error] = code(handle, input, out, finish);
      failure = error;
      // Counted before a failure too: the multi-threaded decoder takes input ahead of its
      // threads, so the damage is within what it took, not before the call began (under
      // load a broken index was placed in the last block's data).
      offset += used;
      if (written > 0) {
        yield out.subarray(0, written);
        out = fresh();
      }
      if (failure !== null) throw new CodecFailure(offset, failure);
      return [written, ended];
    }
    for await (const chunk of source) {
      for (let input: Uint8Array = chunk; input.length > 0; ) {
        const before = offset;
        yield* step(input, false);
        input = input.subarray(offset - before);
      }
      given?.give(chunk);
    }
    // liblzma tells a truncated stream on the second call that makes no progress.
    for (let ended = false, idle = 0; !ended; ) {
      const [written, end] = yield* step(EMPTY, true);
      ended = end;
      if (!end && written === 0 && ++idle > 2) throw new CodecFailure(offset, 'unexpected end of input');
    }
  };
}
