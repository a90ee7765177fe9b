import { BufferRecycler } from '../streams/buffer-recycler.js';
import type { CodecOptions } from './codec-stage.js';
import { BitReader, Bzip2Error, NeedInput } from './bzip2/bit-reader.js';
import { readBlock, type Block } from './bzip2/read-block.js';
import type { DecodePool } from './decode-pool.js';
import type { JobResult } from './decode-jobs.js';
import { inOrder, started } from './in-order.js';
import type { Stage } from './stage.js';
import { CodecFailure } from './transform-stage.js';

/**
 * Streaming bzip2 decoder (multi-stream, as bzip2 -d). The npm decoders that exist
 * either buffer everything (seek-bzip, bz2) or build output byte by byte in JS arrays
 * outside backpressure (unbzip2-stream), so this one is ours. A block's Huffman and MTF
 * stages are decoded here once its bytes are buffered (which also finds where the next
 * block starts: blocks are not byte-aligned); the inverse BWT and run-length decoding,
 * more than half the work, run on worker threads while the next blocks are read, and
 * outputs are yielded in order.
 *
 * Stream: "BZh" level('1'..'9'), blocks (magic 0x314159265359), end of stream (magic
 * 0x177245385090, combined CRC:32), padding to a byte; further streams may follow.
 */
const BLOCK_MAGIC = [0x314159, 0x265359] as const;
const EOS_MAGIC = [0x177245, 0x385090] as const;

class InputWindow {
  /** The unread input (from bit `bit` of its first byte on): the front of `store`. */
  buf: Buffer = Buffer.alloc(0);
  base = 0;
  bit = 0;
  eof = false;
  /**
   * Reused for every block: concatenating a fresh window per block made about a megabyte
   * of garbage per block, which V8 frees only at its next collection (RSS).
   */
  private store = Buffer.allocUnsafeSlow(0);
  constructor(
    private readonly it: AsyncIterator<Buffer>,
    private readonly given?: BufferRecycler,
  ) {}

  get available(): number {
    return this.buf.length - (this.bit >>> 3);
  }

  /** Buffers at least `want` unread bytes, or all there is. */
  async fill(want: number): Promise<void> {
    const unread = this.buf.subarray(this.bit >>> 3);
    if (this.store.length < Math.max(want, unread.length)) this.store = Buffer.concat([unread], Math.max(want, 2 * this.store.length));
    else unread.copy(this.store);
    this.base += this.bit >>> 3;
    this.bit &= 7;
    let have = unread.length;
    while (have < want && !this.eof) {
      const r = await this.it.next();
      if (r.done) this.eof = true;
      else have = this.append(r.value, have);
    }
    this.buf = this.store.subarray(0, have);
  }

  private append(chunk: Buffer, have: number): number {
    if (have + chunk.length > this.store.length) this.store = Buffer.concat([this.store.subarray(0, have)], 2 * (have + chunk.length));
    const copied = chunk.copy(this.store, have);
    this.given?.give(chunk);
    return have + copied;
  }
}

/** Enough bytes for any block bzip2 makes (≤ 900 kB of input each); more is waited for. */
const BLOCK_BUDGET = 9 * 110_000 + 4096;

/**
 * Output per job at most: a block of zeros expands to 46 MB, and the decoder keeps a few
 * jobs' output waiting in order; the rest of a block is a further job.
 */
const PIECE_BYTES = 4 * 1024 * 1024;
/** Output buffers when the consumer gives none back (the jobs' unused ones still are). */
const CHUNK = 1024 * 1024;

interface Jobs {
  pool: DecodePool;
  /** Where jobs get their output buffers, and where written ones come back. */
  buffers: BufferRecycler;
  /** Block buffers (tt) handed back by finished jobs. */
  spare: Uint32Array[];
}

/**
 * `input` gets each input chunk back once it is copied into the window; output buffers
 * come from `output`, which the consumer gives them back to once written.
 */
export function bzip2Stage(pool: DecodePool, { input, output }: Pick<CodecOptions, 'input' | 'output'> = {}): Stage {
  return async function* (source) {
    const it = source[Symbol.asyncIterator]();
    const jobs: Jobs = { pool, buffers: output ?? new BufferRecycler(CHUNK, PIECE_BYTES / CHUNK), spare: [] };
    try {
      yield* inOrder(streamJobs(new InputWindow(it, input), jobs), pool.size + 1);
    } catch (e) {
      if (e instanceof Bzip2Error) throw new CodecFailure(e.offset, e.message);
      throw e;
    } finally {
      await it.return?.();
    }
  };
}

async function* streamJobs(w: InputWindow, jobs: Jobs): AsyncGenerator<AsyncIterable<Buffer>> {
  for (;;) {
    await w.fill(4);
    if (w.available === 0) return;
    if (!w.buf.subarray(w.bit >>> 3, (w.bit >>> 3) + 3).equals(Buffer.from('BZh'))) {
      if (w.base + (w.bit >>> 3) === 0) throw new CodecFailure(0, 'not a bzip2 stream');
      return; // trailing garbage after a complete stream is ignored, as bzip2 -d does
    }
    yield* blockJobs(w, jobs);
  }
}

/** One stream's blocks. */
async function* blockJobs(w: InputWindow, jobs: Jobs): AsyncGenerator<AsyncIterable<Buffer>> {
  const level = w.buf[(w.bit >>> 3) + 3]! - 0x30;
  if (level < 1 || level > 9) throw new Bzip2Error('bad block size in stream header', w.base + (w.bit >>> 3) + 3);
  w.bit += 32;
  let combined = 0;
  for (;;) {
    const tt = (jobs.spare.pop() ?? new Uint32Array(900_000)).subarray(0, level * 100_000);
    const unit = await readUnit(w, (r) => {
      const magic = [r.read(24), r.read(24)];
      if (magic[0] === EOS_MAGIC[0] && magic[1] === EOS_MAGIC[1]) return { crc: r.read32() };
      if (magic[0] !== BLOCK_MAGIC[0] || magic[1] !== BLOCK_MAGIC[1]) throw r.fail('bad block magic');
      return readBlock(r, tt, tt.length);
    });
    if (!('origPtr' in unit)) {
      if (unit.crc !== combined) throw new Bzip2Error('stream CRC mismatch', w.base + (w.bit >>> 3));
      w.bit = (w.bit + 7) & ~7;
      return;
    }
    combined = (((combined << 1) | (combined >>> 31)) ^ unit.crc) >>> 0;
    yield blockOutput(jobs, tt, unit, w.base + (w.bit >>> 3));
  }
}

/** Output buffers for a job: `reuse` (the unused ones of the piece before) and more. */
function outBuffers({ buffers }: Jobs, reuse: Uint8Array[] = []): Uint8Array[] {
  while (reuse.length * buffers.size < PIECE_BYTES) reuse.push(buffers.take());
  return reuse;
}

/**
 * A block's output, in pieces of a few MiB decoded on the pool: the first starts now, each
 * further one as the one before it is handed on, so that a 46 MB block of zeros never sits
 * in memory whole. The CRC is checked at the block's end: as with bzip2 -d, bytes of a
 * damaged block that expands past one piece may come out before exit 65 says so.
 */
function blockOutput(jobs: Jobs, tt: Uint32Array, block: Block, end: number): AsyncIterable<Buffer> {
  const { pool, buffers } = jobs;
  return started(pool.run({ kind: 'bzip2', tt, block, out: outBuffers(jobs) }), async function* (first) {
    for (let r: JobResult = first; ; ) {
      const next = r.state.left > 0 ? pool.run({ kind: 'bzip2', tt: r.tt, block, state: r.state, out: outBuffers(jobs, r.unused) }) : undefined;
      if (next === undefined) {
        jobs.spare.push(new Uint32Array(r.tt.buffer));
        for (const u of r.unused) {
          buffers.adopt(u);
          buffers.give(u);
        }
        if (~r.state.crc >>> 0 !== block.crc) throw new Bzip2Error('block CRC mismatch', end);
      }
      for (const p of r.parts) {
        buffers.adopt(p);
        yield Buffer.from(p.buffer, p.byteOffset, p.byteLength);
      }
      if (next === undefined) return;
      r = await next;
    }
  });
}

/** Parses one unit from the window, buffering more input and retrying when it runs out. */
async function readUnit<T>(w: InputWindow, parse: (r: BitReader) => T): Promise<T> {
  let want = BLOCK_BUDGET;
  for (;;) {
    await w.fill(want);
    const r = new BitReader(w.buf, w.base, w.bit);
    try {
      const unit = parse(r);
      w.bit = r.bitPos;
      return unit;
    } catch (e) {
      if (!(e instanceof NeedInput)) throw e;
      if (w.eof) throw new Bzip2Error('unexpected end of input', w.base + w.buf.length);
      want = w.available * 2;
    }
  }
}
