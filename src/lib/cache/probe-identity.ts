import type { HttpIdentity } from '../checkpoint/source-identity.js';
import type { DownloadOptions } from '../download/download-options.js';
import { sourceRequest } from '../download/range-request.js';
import { retryEmitter } from '../download/retry-events.js';
import { identityOf } from '../download/source-check.js';
import { contentLength, drainBody } from '../http/http-request.js';
import { statusError } from '../http/status-error.js';
import { redactUrl } from '../redact/redact-url.js';
import { retryAsync } from '../retry/retry-async.js';

/**
 * The identity a server gives a URL now, from a HEAD request (no body bytes): size and
 * validators. Undefined when the answer has no size, or the server does not do HEAD (405,
 * 501). Without a strong validator (hasValidator) it cannot prove a cached copy current.
 */
export async function probeIdentity(opts: DownloadOptions): Promise<HttpIdentity | undefined> {
  const res = await retryAsync(
    async (signal) => {
      const r = await sourceRequest(opts, opts.url, signal ?? opts.signal, undefined, 'HEAD');
      if (r.status >= 400 && r.status !== 405 && r.status !== 501) throw await statusError(r, redactUrl(opts.url));
      return r;
    },
    opts.retry,
    { signal: opts.signal, onRetry: retryEmitter(opts.id, opts.emit, opts.credentials?.secrets) },
  );
  await drainBody(res);
  const length = contentLength(res);
  if (res.status !== 200 || length === null) return undefined;
  return identityOf(opts.url, res, length);
}
