import { ByteQueue } from '../byte-queue.js';
import type { DecodePool } from '../decode-pool.js';
import { inOrder, started, type OrderedJob } from '../in-order.js';
import type { Stage } from '../stage.js';
import { CodecFailure } from '../transform-stage.js';
import { decodeXz } from './xz-decoder.js';
import {
  blockExtent,
  blockHeaderSize,
  blockSizes,
  parseStreamHeader,
  STREAM_HEADER_SIZE,
  streamTail,
  type IndexRecord,
  type StreamHeader,
} from './xz-format.js';

/**
 * xz, decoding blocks in parallel when their headers give their sizes (xz -T writes
 * them, so each block can be cut out without decoding the one before). A block goes to a
 * worker as a single-block stream of its own (the real stream header, the block, an index
 * and footer made for it), so liblzma checks its integrity check and sizes; this side
 * checks that the real index and footer list exactly the blocks seen. Blocks too large
 * to hold whole are decoded in turn, streaming. A stream whose first block has no sizes
 * (single-threaded xz), and everything after it, is decoded sequentially.
 */
const BLOCK_HOLD_MAX = 32 * 1024 * 1024;

export function xzStage(pool: DecodePool): Stage {
  return async function* (source) {
    const q = new ByteQueue(source[Symbol.asyncIterator]());
    try {
      yield* inOrder(xzJobs(q, pool), pool.size + 1);
    } finally {
      await q.close();
    }
  };
}

const truncated = (q: ByteQueue) => new CodecFailure(q.offset + q.length, 'unexpected end of input');

async function* xzJobs(q: ByteQueue, pool: DecodePool): AsyncGenerator<OrderedJob> {
  for (let streams = 0; ; streams++) {
    if (streams > 0 && !(await skipPadding(q))) return;
    const header = await parallelStreamHeader(q, pool);
    if (header === null) {
      yield { output: decodeXz(q.rest(), q.offset), exclusive: true };
      return;
    }
    q.skip(STREAM_HEADER_SIZE);
    yield* blockJobs(q, header, pool);
  }
}

/** Zero padding between streams; false at the end of the input. */
async function skipPadding(q: ByteQueue): Promise<boolean> {
  let zeros = 0;
  while (await q.fill(1)) {
    if (q.peek(1)[0] !== 0) break;
    q.skip(1);
    zeros++;
  }
  if (zeros % 4 !== 0) throw new CodecFailure(q.offset, 'stream padding is not a multiple of 4 bytes');
  return q.length > 0;
}

/** The stream header if this stream can be decoded in parallel, else null. */
async function parallelStreamHeader(q: ByteQueue, pool: DecodePool): Promise<StreamHeader | null> {
  if (pool.size === 0 || !(await q.fill(STREAM_HEADER_SIZE + 1))) return null; // no worker: streaming uses less memory
  const header = parseStreamHeader(q.peek(STREAM_HEADER_SIZE));
  const first = q.peek(STREAM_HEADER_SIZE + 1)[STREAM_HEADER_SIZE]!;
  if (header === null || first === 0) return null;
  const size = blockHeaderSize(first);
  if (!(await q.fill(STREAM_HEADER_SIZE + size))) return null;
  const sizes = blockSizes(q.peek(STREAM_HEADER_SIZE + size).subarray(STREAM_HEADER_SIZE));
  return sizes === null || sizes === 'corrupt' ? null : header;
}

async function* blockJobs(q: ByteQueue, header: StreamHeader, pool: DecodePool): AsyncGenerator<OrderedJob> {
  const records: IndexRecord[] = [];
  for (;;) {
    if (!(await q.fill(1))) throw truncated(q);
    const first = q.peek(1)[0]!;
    if (first === 0) return checkTail(q, streamTail(records, header));
    const size = blockHeaderSize(first);
    if (!(await q.fill(size))) throw truncated(q);
    const sizes = blockSizes(q.peek(size));
    if (sizes === 'corrupt') throw new CodecFailure(q.offset, 'corrupt block header');
    if (sizes === null) throw new CodecFailure(q.offset, 'a block without sizes after blocks with them is not supported');
    const { total, unpadded } = blockExtent(sizes, header.checkSize);
    const tail = streamTail([[unpadded, sizes.uncompressed]], header);
    records.push([unpadded, sizes.uncompressed]);
    const base = q.offset - STREAM_HEADER_SIZE;
    if (sizes.uncompressed > BLOCK_HOLD_MAX || total > BLOCK_HOLD_MAX) {
      yield { output: decodeXz(streamedBlock(q, header, total, tail), base), exclusive: true };
      continue;
    }
    if (!(await q.fill(total))) throw truncated(q);
    const stream = Buffer.allocUnsafeSlow(STREAM_HEADER_SIZE + total + tail.length);
    header.bytes.copy(stream);
    q.takeInto(stream, STREAM_HEADER_SIZE, total);
    tail.copy(stream, STREAM_HEADER_SIZE + total);
    yield started(decodeBlock(pool, stream, sizes.uncompressed, base, total));
  }
}

async function decodeBlock(pool: DecodePool, stream: Buffer, size: number, base: number, total: number): Promise<Buffer> {
  const r = await pool.run({ kind: 'xz', stream, size });
  if (!r.ok) throw new CodecFailure(base + Math.min(r.offset, STREAM_HEADER_SIZE + total), r.reason);
  return Buffer.from(r.output.buffer, r.output.byteOffset, r.output.byteLength);
}

/** A large block as a single-block stream read straight from the input. */
async function* streamedBlock(q: ByteQueue, header: StreamHeader, total: number, tail: Buffer): AsyncGenerator<Buffer> {
  yield header.bytes;
  let left = total;
  for await (const c of q.take(total)) (left -= c.length), yield c;
  if (left > 0) throw truncated(q);
  yield tail;
}

/** The real index and footer must be the ones made from the blocks seen. */
async function checkTail(q: ByteQueue, expected: Buffer): Promise<void> {
  const have = (await q.fill(expected.length)) ? q.peek(expected.length) : q.peek(q.length);
  const differ = have.findIndex((b, i) => b !== expected[i]);
  if (differ >= 0) throw new CodecFailure(q.offset + differ, 'index or stream footer does not match the blocks');
  if (have.length < expected.length) throw truncated(q);
  q.skip(expected.length);
}
