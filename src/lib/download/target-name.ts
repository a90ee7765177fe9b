import { dispositionFileName } from '../http/content-disposition.js';
import { discardBody, header } from '../http/http-request.js';
import { pathInside, safeFileName, urlFileName } from '../http/safe-name.js';
import { statusError } from '../http/status-error.js';
import { redactUrl } from '../redact/redact-url.js';
import { retryAsync } from '../retry/retry-async.js';
import type { DownloadOptions } from './download-options.js';
import { requestRange } from './range-request.js';
import { retryEmitter } from './retry-events.js';

/**
 * The file `url` should be saved as inside `dir`: the Content-Disposition name when the
 * server gives one, else the URL's last path segment, made safe (basename only, no
 * controls, no leading dots) and checked to stay inside `dir`. A one-byte ranged GET asks
 * for the headers, so a failing URL also fails here, before any file is created.
 */
export async function targetInDir(opts: DownloadOptions, dir: string): Promise<string> {
  const res = await retryAsync(
    async (signal) => {
      const r = await requestRange(opts, opts.url, signal ?? opts.signal, 0, 1);
      if (r.status >= 400 && r.status !== 416) throw await statusError(r, redactUrl(opts.url));
      return r;
    },
    opts.retry,
    { signal: opts.signal, onRetry: retryEmitter(opts.id, opts.emit, opts.credentials?.secrets) },
  );
  // Destroyed, not drained: a server that ignored the range would send the whole file.
  discardBody(res);
  const proposed = dispositionFileName(header(res, 'content-disposition')) ?? urlFileName(opts.url);
  return pathInside(dir, safeFileName(proposed));
}
