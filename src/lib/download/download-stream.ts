import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { HttpIdentity } from '../checkpoint/source-identity.js';
import { DlError, ExitCode, isDlError } from '../errors/dl-error.js';
import type { Algorithm, Digests } from '../hash/algorithms.js';
import { verifyDigests } from '../hash/verify-digests.js';
import { contentLength, discardBody, type HttpResponse } from '../http/http-request.js';
import { statusError } from '../http/status-error.js';
import { redactUrl } from '../redact/redact-url.js';
import { retryAsync } from '../retry/retry-async.js';
import { chunksOf } from '../streams/chunks-of.js';
import { networkError, shortBody } from './consume-body.js';
import type { DownloadOptions, DownloadResult } from './download-options.js';
import { MirrorSet } from './mirror-set.js';
import { openSource } from './open-source.js';
import { hasherFor } from './lazy-hasher.js';
import { runOrdered } from './ordered-pieces.js';
import { startProgress } from './progress-ticker.js';
import { requestRange, requestWhole } from './range-request.js';
import { retryEmitter } from './retry-events.js';
import { canSplice, checkRangeAnswer, ifRangeOf } from './source-check.js';

export interface StreamDownloadOptions extends DownloadOptions {
  /** Where the bytes go, in order; not ended here (it is usually stdout). */
  out: Writable;
}

/**
 * Downloads `url` to a writable stream, in order: one connection piped with
 * backpressure (resuming a cut transfer with a Range request when the server allows it),
 * or several through a bounded reorder buffer. Digests are checked at the end; bytes
 * already written cannot be taken back, so a mismatch is the exit status's to tell.
 */
export async function downloadToStream(opts: StreamDownloadOptions): Promise<DownloadResult> {
  const now = opts.now ?? Date.now;
  const t0 = now();
  const opening = await openSource(opts, opts.url, 0);
  if (opening.kind === 'unsatisfiable' && (opening.total ?? 0) !== 0) {
    throw new DlError(`${redactUrl(opts.url)} refused a range from byte 0 (416)`, { code: 'DL_ERR_HTTP_416', exitCode: ExitCode.UNAVAILABLE, hint: 'try again later' });
  }
  const total = opening.kind === 'unsatisfiable' ? 0 : opening.total;
  opts.emit({ type: 'start', id: opts.id, total, url: redactUrl(opts.url), path: '-', segments: opts.segments, resumeFrom: 0 });
  const hasher = await hasherFor(Object.keys(opts.expect ?? {}) as Algorithm[]);
  const sink = { bytes: 0, take: (b: Buffer) => ((sink.bytes += b.length), hasher?.update(b)) };
  const progress = startProgress(opts.id, opts.emit, () => sink.bytes, total, now);
  try {
    const spliceable = opening.kind === 'ranged' && canSplice(opening.identity);
    if (opening.kind === 'ranged' && spliceable && opts.segments > 1 && opening.total >= 2 * opts.minSplitBytes) {
      const sources = new MirrorSet(opts.url, opts.mirrors ?? [], opening.identity);
      await runOrdered({ opts, out: opts.out, total: opening.total, sources, first: opening.res, onOut: sink.take });
    } else if (opening.kind !== 'unsatisfiable') {
      await streamOne(opts, opening.res, opening.kind === 'ranged' && spliceable ? opening.identity : undefined, total, sink);
    }
  } catch (err) {
    if (opening.kind !== 'unsatisfiable') discardBody(opening.res);
    throw opts.out.errored ?? err;
  } finally {
    progress.stop();
  }
  const digests = hasher?.digest() ?? {};
  checkDigests(opts, digests);
  const durationMs = now() - t0;
  const status = opening.kind === 'unsatisfiable' ? 416 : opening.kind === 'ranged' ? 206 : 200;
  const result: DownloadResult = { bytes: sink.bytes, digests, durationMs, status, fetched: sink.bytes };
  opts.emit({ type: 'end', id: opts.id, ...result, path: '-', ...(durationMs > 0 ? { rate: Math.round((sink.bytes * 1000) / durationMs) } : {}) });
  return result;
}

function checkDigests(opts: StreamDownloadOptions, digests: Digests): void {
  for (const [algorithm, expected] of Object.entries(opts.expect ?? {}) as [Algorithm, string][]) {
    const actual = digests[algorithm] ?? '';
    opts.emit({ type: 'verify', id: opts.id, algorithm, actual, expected: expected.toLowerCase(), ok: actual === expected.toLowerCase() });
  }
  verifyDigests(digests, opts.expect ?? {}, redactUrl(opts.url));
}

/**
 * One connection piped to `out`. A cut transfer continues with `Range: bytes=SENT-` and
 * If-Range when the first answer was a 206 with a validator; without ranges nothing can
 * be resumed (bytes already went out), so the failure is final.
 */
async function streamOne(
  opts: StreamDownloadOptions,
  first: HttpResponse,
  identity: HttpIdentity | undefined,
  total: number | null,
  sink: { bytes: number; take: (b: Buffer) => void },
): Promise<void> {
  let pending: HttpResponse | undefined = first;
  let expected = total;
  await retryAsync(
    async (sig) => {
      const signal = sig ?? opts.signal;
      const sent = sink.bytes;
      const res = pending ?? (await reopen(opts, identity, sent, signal));
      // A fresh whole answer (nothing sent yet) has its own length: the file may have changed.
      if (res !== pending && sent === 0 && identity === undefined) expected = contentLength(res);
      pending = undefined;
      const tap = async function* (): AsyncGenerator<Buffer> {
        for await (const chunk of chunksOf(res.body)) {
          if (opts.limiter) await opts.limiter.take(chunk.length, signal);
          sink.take(chunk);
          yield chunk;
        }
      };
      try {
        await pipeline(tap, opts.out, { end: false, signal });
      } catch (err) {
        res.body.destroy(); // when the output fails, tap may still be waiting on the body
        throw opts.out.errored ? outputClosed(opts.out.errored) : networkError(err, signal);
      }
      if (expected !== null && sink.bytes < expected) throw shortBody(sink.bytes, expected);
    },
    opts.retry,
    { signal: opts.signal, onRetry: retryEmitter(opts.id, opts.emit, opts.credentials?.secrets) },
  );
}

async function reopen(opts: StreamDownloadOptions, identity: HttpIdentity | undefined, sent: number, signal: AbortSignal): Promise<HttpResponse> {
  if (identity === undefined) {
    if (sent > 0) throw cannotResume(opts.url, sent);
    const res = await requestWhole(opts, opts.url, signal);
    if (res.status !== 200) throw await statusError(res, redactUrl(opts.url));
    return res;
  }
  const res = await requestRange(opts, opts.url, signal, sent, undefined, ifRangeOf(identity));
  await checkRangeAnswer(res, sent, identity, opts.url);
  return res;
}

const cannotResume = (url: string, sent: number): DlError =>
  new DlError(`${redactUrl(url)} was cut after ${sent} bytes and does not serve ranges, so the stream cannot continue`, {
    code: 'DL_ERR_CANNOT_RESUME',
    exitCode: ExitCode.TEMP_FAIL,
    hint: 'download to a file with -o, then pipe the file',
  });

/** The reader went away: final, never retried (EPIPE would otherwise count as transient). */
const outputClosed = (cause: Error): DlError =>
  isDlError(cause)
    ? cause
    : new DlError(`output closed: ${cause.message}`, { code: 'DL_ERR_OUTPUT_CLOSED', exitCode: ExitCode.IO, cause, hint: 'the reader of the output went away' });
