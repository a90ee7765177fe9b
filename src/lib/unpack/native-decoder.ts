import { availableParallelism } from 'node:os';
import { findAddon } from '../native/find-addon.js';
import type { BufferRecycler } from '../streams/buffer-recycler.js';
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
 * 96 MiB fits two threads for `xz -6 -T0` blocks of 24 MiB: 1 GiB in 1.69 s against 2.46 s
 * on one thread, `xz -T0 -dc` 1.33 s; peak RSS is then ~180 MiB (xz itself: 135 MiB), over
 * the 150 MiB dl-unpack aims for, which only one thread (48 MiB: 127 MiB RSS) keeps.
 */
const XZ_THREAD_MEMORY_MIB = 96;
const EMPTY = new Uint8Array(0);

/**
 * xz or zstd decoded by the system's libraries, the ones `xz -dc` and `zstd -dc` run:
 * liblzma's multi-threaded decoder for the blocks `xz -T` writes, concatenated streams and
 * padding, multi-frame zstd and skippable frames. Undefined when the addon was not built
 * (no liblzma-dev or libzstd-dev at install): the callers fall back to lzma-native and
 * zstd-napi. Output comes a bounded buffer at a time, so backpressure holds; with a
 * recycler the buffers are ones the consumer gave back after writing them.
 */
export function nativeDecodeStage(kind: 'xz' | 'zstd', recycler?: BufferRecycler): Stage | undefined {
  const addon = findAddon<StreamDecode>('stream_decode');
  if (addon === undefined) return undefined;
  const { open, code } = addon;
  const fresh = (): Buffer => recycler?.take() ?? Buffer.allocUnsafe(OUTPUT_CHUNK);
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
      if (written > 0) {
        yield out.subarray(0, written);
        out = fresh();
      }
      if (failure !== null) throw new CodecFailure(offset, failure);
      offset += used;
      return [written, ended];
    }
    for await (const chunk of source) {
      for (let input: Uint8Array = chunk; input.length > 0; ) {
        const before = offset;
        yield* step(input, false);
        input = input.subarray(offset - before);
      }
    }
    // liblzma tells a truncated stream on the second call that makes no progress.
    for (let ended = false, idle = 0; !ended; ) {
      const [written, end] = yield* step(EMPTY, true);
      ended = end;
      if (!end && written === 0 && ++idle > 2) throw new CodecFailure(offset, 'unexpected end of input');
    }
  };
}
