import type { HttpIdentity } from '../checkpoint/source-identity.js';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { checkContentRange, unsatisfiedTotal } from '../http/content-range.js';
import { contentLength, drainBody, header, type HttpResponse } from '../http/http-request.js';
import { statusError } from '../http/status-error.js';
import { redactUrl } from '../redact/redact-url.js';
import { retryAsync } from '../retry/retry-async.js';
import type { DownloadOptions } from './download-options.js';
import { requestRange } from './range-request.js';
import { retryEmitter } from './retry-events.js';
import { identityOf, ifRangeOf } from './source-check.js';

/** How the server answered the first request, `Range: bytes=FROM-`. */
export type Opening =
  /** 206: ranges work; `res` streams from FROM. */
  | { kind: 'ranged'; res: HttpResponse; total: number; identity: HttpIdentity }
  /** 200: the whole file from byte 0 (no ranges, or If-Range saw a change). */
  | { kind: 'whole'; res: HttpResponse; total: number | null; identity: HttpIdentity }
  /** 416: nothing at or after FROM; `total` from `Content-Range: bytes *\/N`. */
  | { kind: 'unsatisfiable'; total: number | undefined; status: number };

/**
 * The first request doubles as the range probe (Accept-Ranges alone proves nothing: only
 * a 206 does) and, when resuming, as the validator check through If-Range, asking only
 * for the first gap (`to`) so bytes already on disk are not sent again. Retried under the
 * policy; 401/403 and other permanent answers fail at once.
 */
export function openSource(opts: DownloadOptions, url: string, from: number, prior?: HttpIdentity, to?: number): Promise<Opening> {
  const redacted = redactUrl(url);
  const onRetry = retryEmitter(opts.id, opts.emit, opts.credentials?.secrets);
  return retryAsync(
    async (signal) => {
      const ifRange = prior ? ifRangeOf(prior) : undefined;
      const res = await requestRange(opts, url, signal ?? opts.signal, from, to, ifRange);
      if (res.status === 416) {
        await drainBody(res);
        return { kind: 'unsatisfiable', total: unsatisfiedTotal(header(res, 'content-range')), status: 416 };
      }
      if (res.status === 206) {
        const cr = checkContentRange(header(res, 'content-range'), from, null, redacted);
        if (cr.total === null) throw unknownTotal(redacted);
        return { kind: 'ranged', res, total: cr.total, identity: identityOf(url, res, cr.total) };
      }
      if (res.status === 200) {
        const total = contentLength(res);
        return { kind: 'whole', res, total, identity: identityOf(url, res, total ?? 0) };
      }
      throw await statusError(res, redacted);
    },
    opts.retry,
    { signal: opts.signal, onRetry },
  );
}

const unknownTotal = (redacted: string): DlError =>
  new DlError(`${redacted} answered a range without saying the file's size`, {
    code: 'DL_ERR_BAD_RANGE',
    exitCode: ExitCode.UNAVAILABLE,
    hint: 'try -s 1',
  });
