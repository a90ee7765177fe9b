import { once } from 'node:events';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { HttpResponse } from '../http/http-request.js';
import { redactText } from '../redact/redact-text.js';
import { errorReason } from '../retry/classify-error.js';
import { retryAsync } from '../retry/retry-async.js';
import { chunksOf } from '../streams/chunks-of.js';
import type { PipelineContext } from '../streams/pipeline-observable.js';
import { networkError, shortBody } from './consume-body.js';
import type { DownloadOptions } from './download-options.js';
import type { MirrorSet, Source } from './mirror-set.js';
import { Notifier } from './notifier.js';
import { requestRange } from './range-request.js';
import { retryEmitter } from './retry-events.js';
import { runConnections } from './run-connections.js';
import { checkRangeAnswer } from './source-check.js';

/**
 * Most bytes held for reordering (pieces are recycled, so this is the whole budget). 8 MiB
 * rather than 16: -s 16 into a 20 MB/s reader peaked at 114 MiB RSS against 153 (fewer
 * socket buffers awaiting the collector), as fast into a quick reader (bench/dl-get).
 */
const MAX_BUFFERED = 8 * 1024 * 1024;
const MAX_PIECE = 2 * 1024 * 1024;
const MIN_PIECE = 256 * 1024;

export interface OrderedJob {
  opts: DownloadOptions;
  out: Writable;
  total: number;
  sources: MirrorSet;
  /** The opening response, streaming from byte 0: it serves piece 0. */
  first: HttpResponse;
  /** Each piece, in order, as it goes out (hashing, counting). */
  onOut: (piece: Buffer) => void;
}

/**
 * Several connections to a stream that must stay in order (stdout). The file is cut into
 * pieces; connections fetch pieces at most `window` ahead of the one being written, each
 * held whole in memory until its turn. Piece buffers are recycled once written (not left
 * to the garbage collector), so memory stays bounded by window × piece however slow the
 * reader is.
 */
export async function runOrdered(job: OrderedJob): Promise<void> {
  const n = Math.max(1, job.opts.segments);
  // Big pieces amortize a request each; the budget caps them when connections are many.
  const piece = Math.min(MAX_PIECE, Math.floor(MAX_BUFFERED / n), Math.max(MIN_PIECE, Math.ceil(job.total / (n * 4))));
  const count = Math.ceil(job.total / piece);
  const window = Math.max(n, Math.min(2 * n, Math.floor(MAX_BUFFERED / piece)));
  const ready = new Map<number, Buffer>();
  const changed = new Notifier();
  const pool = new PiecePool(piece, window + 1, handsToKernel(job.out));
  const state = { next: 0, emitted: 0, first: job.first as HttpResponse | undefined };
  const worker = async (i: number, ctx: PipelineContext): Promise<void> => {
    while (state.next < count) {
      const buf = state.next < state.emitted + window ? pool.take() : undefined;
      if (!buf) {
        await changed.wait(ctx.signal);
        continue;
      }
      const k = state.next++;
      const res = k === 0 ? state.first : undefined;
      state.first = undefined;
      const end = Math.min(job.total, (k + 1) * piece);
      ready.set(k, await fetchFromLive(job, i, buf.subarray(0, end - k * piece), k * piece, ctx, res));
      changed.notify();
    }
  };
  // A reader going away (EPIPE) is an 'error' on `out`: it ends the writer, never the process.
  let outFailed: Error | undefined;
  const onOutError = (err: Error): void => void ((outFailed = err), changed.notify());
  job.out.on('error', onOutError);
  const writer = async (ctx: PipelineContext): Promise<void> => {
    while (state.emitted < count) {
      if (outFailed) throw outFailed;
      const buf = ready.get(state.emitted);
      if (!buf) {
        await changed.wait(ctx.signal);
        continue;
      }
      ready.delete(state.emitted++);
      job.onOut(buf);
      const full = !job.out.write(buf, () => (pool.give(buf), changed.notify()));
      changed.notify();
      if (full) await once(job.out, 'drain', { signal: ctx.signal });
    }
  };
  try {
    const workers = Array.from({ length: n }, (_, i) => (ctx: PipelineContext) => worker(i, ctx));
    await runConnections([...workers, writer], job.opts.signal, job.opts.emit);
  } finally {
    job.out.off('error', onOutError);
  }
}

/**
 * True for a stream over a file descriptor (stdout as a pipe, file or terminal, a socket):
 * its write callback means the kernel has the bytes, so the buffer may be reused. Any
 * other Writable (a PassThrough…) may still hold the chunk after its callback.
 */
const handsToKernel = (out: Writable): boolean => out instanceof Socket || typeof (out as { fd?: unknown }).fd === 'number';

/**
 * At most `max` piece buffers out at once. With `recycle`, a written piece's buffer is
 * handed out again rather than left to the garbage collector, which keeps RSS flat.
 */
class PiecePool {
  readonly #free: Buffer[] = [];
  #out = 0;

  constructor(
    private readonly size: number,
    private readonly max: number,
    private readonly recycle: boolean,
  ) {}

  take(): Buffer | undefined {
    if (this.#out >= this.max) return undefined;
    this.#out++;
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  give(piece: Buffer): void {
    this.#out--;
    if (this.recycle) this.#free.push(Buffer.from(piece.buffer, piece.byteOffset, this.size));
  }
}

/** A piece from this worker's source; a mirror that fails for good is dropped and the next live one tried. */
async function fetchFromLive(job: OrderedJob, worker: number, buf: Buffer, start: number, ctx: PipelineContext, opened?: HttpResponse): Promise<Buffer> {
  for (;;) {
    const source = job.sources.pick(worker);
    try {
      return await fetchPiece(job, source, buf, start, ctx, opened);
    } catch (err) {
      if (source.primary || ctx.signal.aborted) throw err;
      job.sources.drop(source);
      ctx.emit({ type: 'warn', id: job.opts.id, code: 'DL_WARN_MIRROR_DROPPED', message: redactText(`dropping a mirror: ${errorReason(err)}`, job.opts.credentials?.secrets) });
    }
  }
}

/** One piece, [start, start + buf.length), into `buf`, retried (keeping what arrived). */
async function fetchPiece(job: OrderedJob, source: Source, buf: Buffer, start: number, ctx: PipelineContext, opened?: HttpResponse): Promise<Buffer> {
  const end = start + buf.length;
  let got = 0;
  let pending = opened;
  await retryAsync(
    async () => {
      const res = pending ?? (await requestRange(job.opts, source.url, ctx.signal, start + got, end, job.sources.ifRange(source)));
      if (pending === undefined) await checkRangeAnswer(res, start + got, () => job.sources.identityFor(source, res), source.url);
      pending = undefined;
      try {
        for await (const chunk of chunksOf(res.body)) {
          if (job.opts.limiter) await job.opts.limiter.take(chunk.length, ctx.signal);
          got += chunk.copy(buf, got, 0, Math.min(chunk.length, buf.length - got));
          if (got >= buf.length) break;
        }
      } catch (err) {
        throw networkError(err, ctx.signal);
      }
      if (got < buf.length) throw shortBody(got, buf.length);
    },
    job.opts.retry,
    { signal: ctx.signal, onRetry: retryEmitter(job.opts.id, ctx.emit, job.opts.credentials?.secrets, () => `bytes ${start + got}-${end - 1}`) },
  );
  return buf;
}
