import { httpRequest, type HttpResponse } from '../http/http-request.js';
import type { DownloadOptions } from './download-options.js';

/**
 * A request to a download's source with its dispatcher, credentials and stall timeout.
 * Identity encoding by default: byte offsets must be offsets of the file, not of a
 * compressed form.
 */
export function sourceRequest(
  opts: DownloadOptions,
  url: string,
  signal: AbortSignal,
  headers: Record<string, string> = { 'accept-encoding': 'identity' },
  method?: 'GET' | 'HEAD',
): Promise<HttpResponse> {
  return httpRequest({
    dispatcher: opts.dispatcher,
    url,
    method,
    headers,
    credentials: opts.credentials,
    signal,
    headersTimeoutMs: opts.stallTimeoutMs,
    stallTimeoutMs: opts.stallTimeoutMs,
  });
}

/**
 * GET `url` for bytes [from, to) (`to` undefined: to the end), with If-Range when a
 * validator is known so a changed file answers 200 instead of splicing.
 */
export function requestRange(
  opts: DownloadOptions,
  url: string,
  signal: AbortSignal,
  from: number,
  to?: number,
  ifRange?: string,
): Promise<HttpResponse> {
  const headers: Record<string, string> = { range: `bytes=${from}-${to === undefined ? '' : to - 1}` };
  if (ifRange) headers['if-range'] = ifRange;
  headers['accept-encoding'] = 'identity';
  return sourceRequest(opts, url, signal, headers);
}

/** A plain GET of the whole file (a server without ranges, or a restart from zero). */
export function requestWhole(opts: DownloadOptions, url: string, signal: AbortSignal): Promise<HttpResponse> {
  return sourceRequest(opts, url, signal);
}
