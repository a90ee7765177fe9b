import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ByteRange } from '../checkpoint/byte-ranges.js';
import { fsError } from '../fs/fs-error.js';
import type { AlignedPool } from './aligned-pool.js';

/** A filled pool buffer: the image's bytes [position, position + length). */
export interface Block {
  buf: Buffer;
  position: number;
  length: number;
}

export interface BlockOptions {
  /** The image's byte ranges to yield, sorted; [[0, Infinity]] is all of it. */
  ranges: readonly ByteRange[];
  signal?: AbortSignal;
  /**
   * A stream cannot seek: bytes outside `ranges` are read and passed here instead
   * (resume checks the skipped prefix is the one written before).
   */
  onSkipped?: (bytes: Uint8Array, position: number) => void;
}

/** Where an image's bytes come from: a file (seekable) or a stream (stdin, decoder, HTTP). */
export interface ImageSource {
  name: string;
  /** Known up front for files; null for streams. */
  size: number | null;
  /** Yields blocks in position order, never spanning a gap; the caller releases each buffer. */
  blocks(pool: AlignedPool, opts: BlockOptions): AsyncGenerator<Block>;
  /** Seekable sources only: bytes at [offset, offset + length). */
  readAt?(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Reads until `length` bytes or the end of the file; returns how many it got. */
function readInto(fd: number, path: string, buf: Buffer, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    let n: number;
    try {
      n = readSync(fd, buf, got, length - got, position + got);
    } catch (err) {
      throw fsError(err, path, 'read');
    }
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** The pieces of `ranges` inside a file of `size` bytes, at most `blockSize` each. */
function* piecesOf(ranges: readonly ByteRange[], size: number, blockSize: number): Generator<{ position: number; length: number }> {
  for (const [start, end] of ranges) {
    const stop = Math.min(end, size);
    for (let position = start; position < stop; position += blockSize) yield { position, length: Math.min(blockSize, stop - position) };
  }
}

/**
 * A regular file (or anything with a size that pread works on); seeks past skipped ranges.
 * Each block is read when the consumer asks for it, with a synchronous pread on the
 * calling thread: the copy out of the page cache runs there, not on a libuv thread, so
 * all four of those are free for the drives' writes, and no block is handed between
 * threads. 2 GiB onto a loop device, against reading one block ahead on a libuv thread
 * with three writes in flight: CPU 0.67 -> 0.64 s; wall time within the noise of the
 * shared machine (one set of 9 alternated runs 1.33 -> 1.26 s start-to-end, a repeat
 * even). A local file gives 4 MiB in about a millisecond, which the event loop can spare;
 * the writes, which a slow card can hold long, stay asynchronous.
 */
export async function fileSource(path: string, name = path): Promise<ImageSource> {
  const fh = await open(path, 'r').catch((err: unknown) => {
    throw fsError(err, path, 'read');
  });
  const size = (await fh.stat()).size;
  return {
    name,
    size,
    async *blocks(pool, { ranges, signal }) {
      for (const { position, length } of piecesOf(ranges, size, pool.size)) {
        const buf = await pool.acquire(signal);
        let got: number;
        try {
          got = readInto(fh.fd, path, buf, length, position);
        } catch (err) {
          pool.release(buf);
          throw err;
        }
        // The file ended early (it shrank): what was read is all there is.
        if (got === 0) return pool.release(buf);
        yield { buf, position, length: got };
      }
    },
    async readAt(offset, length) {
      const buf = Buffer.alloc(length);
      return buf.subarray(0, readInto(fh.fd, path, buf, length, offset));
    },
    close: () => fh.close(),
  };
}

/** A stream read once, in order: bytes outside the ranges are handed to onSkipped. */
export function streamSource(name: string, input: AsyncIterable<Uint8Array>, size: number | null = null): ImageSource {
  return {
    name,
    size,
    blocks: (pool, opts) => streamBlocks(input, pool, opts),
    close: async () => undefined,
  };
}

async function* streamBlocks(input: AsyncIterable<Uint8Array>, pool: AlignedPool, opts: BlockOptions): AsyncGenerator<Block> {
  const { ranges } = opts;
  let position = 0;
  let r = 0;
  let cur: Block | undefined;
  for await (const chunk of input) {
    let at = 0;
    while (at < chunk.length) {
      while (r < ranges.length && ranges[r]![1] <= position) r++;
      const range = ranges[r];
      const inRange = range !== undefined && position >= range[0];
      const stop = range === undefined ? Infinity : inRange ? range[1] : range[0];
      const room = inRange && cur ? pool.size - cur.length : pool.size;
      const n = Math.min(stop - position, chunk.length - at, room);
      if (!inRange) {
        opts.onSkipped?.(chunk.subarray(at, at + n), position);
      } else {
        cur ??= { buf: await pool.acquire(opts.signal), position, length: 0 };
        cur.buf.set(chunk.subarray(at, at + n), cur.length);
        cur.length += n;
      }
      position += n;
      at += n;
      if (cur && (cur.length === pool.size || position === range?.[1])) {
        yield cur;
        cur = undefined;
      }
    }
  }
  if (cur) yield cur;
}
