import { httpRequest, type HttpResponse } from '../http/http-request.js';
import type { DownloadOptions } from './download-options.js';

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
  // Identity encoding: byte offsets must be offsets of the file, not of a compressed form.
  headers['accept-encoding'] = 'identity';
  return httpRequest({
    dispatcher: opts.dispatcher,
    url,
    headers,
    credentials: opts.credentials,
    signal,
    headersTimeoutMs: opts.stallTimeoutMs,
    stallTimeoutMs: opts.stallTimeoutMs,
  });
}

/** A plain GET of the whole file (a server without ranges, or a restart from zero). */
export function requestWhole(opts: DownloadOptions, url: string, signal: AbortSignal): Promise<HttpResponse> {
  return httpRequest({
    dispatcher: opts.dispatcher,
    url,
    headers: { 'accept-encoding': 'identity' },
    credentials: opts.credentials,
    signal,
    headersTimeoutMs: opts.stallTimeoutMs,
    stallTimeoutMs: opts.stallTimeoutMs,
  });
}
