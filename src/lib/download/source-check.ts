import type { HttpIdentity } from '../checkpoint/source-identity.js';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { checkContentRange, sourceChanged } from '../http/content-range.js';
import { discardBody, drainBody, header, type HttpResponse } from '../http/http-request.js';
import { statusError } from '../http/status-error.js';
import { redactUrl } from '../redact/redact-url.js';

/** The identity a response gives its source: URL (redacted), validators, size. */
export function identityOf(url: string, res: HttpResponse, size: number): HttpIdentity {
  const etag = header(res, 'etag');
  const lastModified = header(res, 'last-modified');
  return {
    type: 'http',
    url: redactUrl(url),
    size,
    ...(etag ? { etag } : {}),
    ...(lastModified ? { lastModified } : {}),
  };
}

/** If-Range needs a strong validator: a strong ETag, else Last-Modified. */
export function ifRangeOf(id: HttpIdentity): string | undefined {
  if (id.etag && !id.etag.startsWith('W/')) return id.etag;
  return id.lastModified;
}

/** True when If-Range can be used, so a checkpoint can be resumed across runs. */
export const hasValidator = (id: HttpIdentity): boolean => ifRangeOf(id) !== undefined;

/**
 * True when answers can be told apart if the file changes (an ETag or Last-Modified to
 * compare on every 206). Without one, a same-size change would be spliced in unseen, so
 * such a file is fetched as one stream from byte 0 and never pieced together.
 */
export const canSplice = (id: HttpIdentity): boolean => id.etag !== undefined || id.lastModified !== undefined;

/**
 * Accepts an answer to `Range: bytes=from-…` for a source of known identity, or throws:
 * a 206 must start at `from`, keep the size and the ETag; a 200 is never spliced (the
 * file changed when its ETag did, else the server ignored Range — retryable); other
 * statuses become their HTTP error. A refused answer's body is let go. `id` may be a
 * function (a mirror's identity is learnt from this very answer).
 */
export async function checkRangeAnswer(res: HttpResponse, from: number, id: HttpIdentity | (() => HttpIdentity), url: string): Promise<void> {
  try {
    await check(res, from, typeof id === 'function' ? id() : id, url);
  } catch (err) {
    discardBody(res);
    throw err;
  }
}

async function check(res: HttpResponse, from: number, id: HttpIdentity, url: string): Promise<void> {
  const redacted = redactUrl(url);
  if (res.status === 206) {
    checkContentRange(header(res, 'content-range'), from, id.size, redacted);
    const etag = header(res, 'etag');
    const lastModified = header(res, 'last-modified');
    if (etag && id.etag && etag !== id.etag) throw sourceChanged(`its ETag went from ${id.etag} to ${etag}`, redacted);
    if (lastModified && id.lastModified && lastModified !== id.lastModified) throw sourceChanged(`it was modified again (${lastModified})`, redacted);
    return;
  }
  if (res.status === 200) {
    await drainBody(res);
    const etag = header(res, 'etag');
    if (etag && id.etag && etag !== id.etag) throw sourceChanged(`its ETag went from ${id.etag} to ${etag}`, redacted);
    throw new DlError(`${redacted} sent the whole file (200) for a range request; not splicing it`, {
      code: 'DL_ERR_RANGE_IGNORED',
      exitCode: ExitCode.TEMP_FAIL,
      retryable: true,
      hint: 'the server stopped honouring ranges; try -s 1',
    });
  }
  throw await statusError(res, redacted);
}
