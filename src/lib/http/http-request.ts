import type { Dispatcher } from 'undici';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { redactUrl } from '../redact/redact-url.js';
import type { Credentials } from './credentials.js';

export interface HttpRequestOptions {
  dispatcher: Dispatcher;
  url: string;
  method?: 'GET' | 'HEAD';
  /** Request headers that are not credentials (Range, If-Range, Accept…). */
  headers?: Record<string, string>;
  credentials?: Credentials;
  signal?: AbortSignal;
  /** Time allowed for the response headers. */
  headersTimeoutMs?: number;
  /** Longest silence allowed between body chunks (a stalled transfer fails, then retries). */
  stallTimeoutMs?: number;
  maxRedirects?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** The URL that answered, after redirects. */
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 10;

/** A header's single value (the first when repeated). */
export const header = (res: Pick<HttpResponse, 'headers'>, name: string): string | undefined => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The Content-Length of an answer, or null when absent or malformed. */
export function contentLength(res: Pick<HttpResponse, 'headers'>): number | null {
  const v = header(res, 'content-length');
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
}

/** Reads a small unwanted answer to its end, so its connection is reused; errors ignored. */
export async function drainBody(res: Pick<HttpResponse, 'body'>): Promise<void> {
  await res.body.dump().catch(() => undefined);
}

/**
 * Lets go of an answer we will not read: the connection closes instead of staying busy
 * (and holding dispatcher.close). The error listener keeps the abort from being unhandled.
 */
export function discardBody(res: Pick<HttpResponse, 'body'>): void {
  res.body.on('error', () => undefined);
  res.body.destroy();
}

/**
 * One request, following redirects ourselves (not undici's interceptor) so credentials
 * are recomputed per hop: they are sent only while the hop's origin is the origin the
 * user named. Only http and https targets are followed.
 */
export async function httpRequest(opts: HttpRequestOptions): Promise<HttpResponse> {
  const start = new URL(opts.url);
  const trusted = start.origin;
  let url = start;
  const limit = opts.maxRedirects ?? MAX_REDIRECTS;
  for (let hop = 0; ; hop++) {
    const res = await requestOnce(opts, url, trusted);
    const location = header(res, 'location');
    if (!REDIRECTS.has(res.status) || location === undefined) return res;
    await drainBody(res);
    if (hop >= limit) throw tooManyRedirects(start, limit);
    url = nextUrl(url, location);
  }
}

async function requestOnce(opts: HttpRequestOptions, url: URL, trusted: string): Promise<HttpResponse> {
  const credentialHeaders = opts.credentials?.headersFor(url, trusted) ?? {};
  const request = {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: opts.method ?? 'GET',
    headers: { ...credentialHeaders, ...opts.headers },
    signal: opts.signal,
    headersTimeout: opts.headersTimeoutMs ?? 30_000,
    bodyTimeout: opts.stallTimeoutMs ?? 30_000,
  };
  const res = await opts.dispatcher.request(request).catch((err: unknown) => Promise.reject(tlsError(err, url) ?? err));
  return { status: res.statusCode, headers: res.headers, body: res.body, url: url.href };
}

/** OpenSSL's verification failures: permanent, and worth a precise hint. */
const TLS_CODE = /^(ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_\w+)$/;

function tlsError(err: unknown, url: URL): DlError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !TLS_CODE.test(code)) return undefined;
  return new DlError(`TLS certificate of ${url.host} not accepted (${code})`, {
    code: 'DL_ERR_TLS',
    exitCode: ExitCode.UNAVAILABLE,
    cause: err,
    hint: 'check the URL and the system CA certificates; --insecure skips the check (unsafe)',
  });
}

function nextUrl(from: URL, location: string): URL {
  const next = new URL(location, from);
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new DlError(`refusing a redirect from ${redactUrl(from.href)} to a ${next.protocol} URL`, {
      code: 'DL_ERR_REDIRECT_PROTOCOL',
      exitCode: ExitCode.UNAVAILABLE,
      hint: 'only http and https redirects are followed',
    });
  }
  // Userinfo in a Location header would smuggle credentials to the next hop.
  next.username = '';
  next.password = '';
  return next;
}

function tooManyRedirects(start: URL, limit: number): DlError {
  return new DlError(`more than ${limit} redirects from ${redactUrl(start.href)}`, {
    code: 'DL_ERR_TOO_MANY_REDIRECTS',
    exitCode: ExitCode.UNAVAILABLE,
    hint: 'the server redirects in a loop; check the URL',
  });
}
