import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { parseContentRange } from '../http/content-range.js';
import { drainBody, header, httpRequest, type HttpResponse } from '../http/http-request.js';
import { statusError } from '../http/status-error.js';
import { redactUrl } from '../redact/redact-url.js';
import { retryAsync } from '../retry/retry-async.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { RetryInfo } from '../retry/retry-with-policy.js';
import type { BlobSource } from '../stargz/blob-source.js';
import { parseAuthChallenge } from './auth-challenge.js';
import type { BasicCredentials } from './docker-config.js';
import { isLoopbackHost } from './image-reference.js';
import { MANIFEST_ACCEPT } from './media-types.js';
import { answerChallenge, authorizationFor, unauthorizedError } from './registry-auth.js';

export interface RegistryClientOptions {
  /** The shared dispatcher (src/lib/http/dispatcher.ts). */
  dispatcher: Dispatcher;
  /** http instead of https; undefined: only for loopback hosts, as docker does. */
  plainHttp?: boolean;
  /** Asked once, on the first challenge: --user, or what docker login stored. */
  credentials?: () => Promise<BasicCredentials | undefined>;
  retry: RetryPolicy;
  timeoutMs?: number;
  onRetry?: (info: RetryInfo) => void;
}

export interface FetchedManifest {
  mediaType: string | undefined;
  digest: string;
  bytes: Buffer;
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
/** Manifests are small; a larger answer is not one. */
const MAX_MANIFEST = 4 * 1024 * 1024;

/**
 * One registry of the OCI distribution API, read-only: manifests and ranged blob reads.
 * Authorization values are cached per scope (`repository:NAME:pull`), so a token is
 * asked once per repository; transient failures go through the shared retry policy.
 */
export class RegistryClient {
  private readonly auth = new Map<string, string>();
  private credentials: Promise<BasicCredentials | undefined> | undefined;
  private readonly base: string;

  constructor(
    readonly registry: string,
    private readonly opts: RegistryClientOptions,
  ) {
    this.base = `${(opts.plainHttp ?? isLoopbackHost(registry)) ? 'http' : 'https'}://${registry}`;
  }

  /** Secret values seen so far (Authorization values), for redaction. */
  get secrets(): string[] {
    return [...this.auth.values()].flatMap((v) => [v, v.replace(/^\S+\s+/, '')]);
  }

  async manifest(repository: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    return this.retrying(async (s) => {
      const res = await this.get(repository, `manifests/${reference}`, { accept: MANIFEST_ACCEPT }, s);
      if (res.status !== 200) throw await this.failure(res, repository, `manifest ${reference}`);
      const bytes = await readBody(res, MAX_MANIFEST, res.url);
      const digest = sha256(bytes);
      if (reference.startsWith('sha256:') && digest !== reference) {
        throw new DlError(`${repository}@${reference}: the registry sent a manifest whose digest is ${digest}`, { code: 'DL_ERR_INTEGRITY', exitCode: ExitCode.INTEGRITY, hint: 'the registry or a proxy altered the manifest' });
      }
      return { mediaType: header(res, 'content-type')?.split(';')[0]?.trim(), digest, bytes };
    }, signal);
  }

  /** A blob read by Range requests; `size` comes from the manifest's descriptor. */
  blob(repository: string, digest: string, size: number): BlobSource {
    let bytesRead = 0;
    const read = (offset: number, length: number, signal?: AbortSignal): Promise<Buffer> =>
      this.retrying(async (s) => {
        const res = await this.get(repository, `blobs/${digest}`, { range: `bytes=${offset}-${offset + length - 1}` }, s);
        if (res.status !== 206) throw await this.rangeFailure(res, repository, digest);
        const range = parseContentRange(header(res, 'content-range'));
        if (range?.start !== offset) throw await this.rangeFailure(res, repository, digest);
        const bytes = await readBody(res, length, res.url);
        if (bytes.length !== length) throw truncated(digest, offset, length, bytes.length);
        bytesRead += length;
        return bytes;
      }, signal);
    return { label: digest, size, read, get bytesRead() { return bytesRead; } };
  }

  private retrying<T>(fn: (signal: AbortSignal | undefined) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return retryAsync(fn, this.opts.retry, { signal, onRetry: this.opts.onRetry });
  }

  /** A GET under /v2/REPO/, answering the registry's 401 challenge once. */
  private async get(repository: string, path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<HttpResponse> {
    const scope = `repository:${repository}:pull`;
    const url = `${this.base}/v2/${repository}/${path}`;
    const send = (): Promise<HttpResponse> =>
      httpRequest({ dispatcher: this.opts.dispatcher, url, headers, credentials: authorizationFor(this.auth.get(scope)), signal, headersTimeoutMs: this.opts.timeoutMs, stallTimeoutMs: this.opts.timeoutMs });
    const first = await send();
    if (first.status !== 401) return first;
    await drainBody(first);
    const challenge = parseAuthChallenge(header(first, 'www-authenticate'));
    if (!challenge) throw unauthorizedError(this.registry, 'the registry refused the request (401) without saying how to log in');
    if (this.auth.has(scope)) throw unauthorizedError(this.registry, `access to ${repository} was refused with these credentials`);
    this.credentials ??= this.opts.credentials?.() ?? Promise.resolve(undefined);
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    this.auth.set(scope, await answerChallenge({ dispatcher: this.opts.dispatcher, registry: this.registry, challenge, scope, credentials: await this.credentials, signal, timeoutMs }));
    const second = await send();
    if (second.status === 401) {
      await drainBody(second);
      throw unauthorizedError(this.registry, `access to ${repository} was refused with these credentials`);
    }
    return second;
  }

  private async failure(res: HttpResponse, repository: string, what: string): Promise<DlError> {
    if (res.status === 404) {
      await drainBody(res);
      return new DlError(`${this.registry}/${repository}: ${what} not found`, { code: 'DL_ERR_NOT_FOUND', exitCode: ExitCode.UNAVAILABLE, hint: 'check the image name, tag and registry (and that you may see it)' });
    }
    return statusError(res, redactUrl(res.url));
  }

  private async rangeFailure(res: HttpResponse, repository: string, digest: string): Promise<DlError> {
    if (res.status !== 200 && res.status !== 206) return this.failure(res, repository, `blob ${digest}`);
    res.body.destroy();
    return new DlError(`${this.registry}: blob ${digest} was served without the range asked for (HTTP ${res.status})`, {
      code: 'DL_ERR_NO_RANGE',
      exitCode: ExitCode.UNAVAILABLE,
      hint: 'this registry or a proxy in between ignores Range requests; lazy fetching needs them',
    });
  }
}

/** The body, refusing more than `max` bytes (a registry that ignores a range, or a hostile one). */
async function readBody(res: HttpResponse, max: number, url: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += (chunk as Buffer).length;
    if (total > max) {
      res.body.destroy();
      throw new DlError(`${redactUrl(url)}: the answer is longer than the ${max} bytes expected`, { code: 'DL_ERR_PROTOCOL', exitCode: ExitCode.UNAVAILABLE, hint: 'the registry misbehaves; try again later' });
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts, total);
}

function truncated(digest: string, offset: number, length: number, got: number): DlError {
  return new DlError(`blob ${digest}: got ${got} of ${length} bytes at ${offset}`, { code: 'DL_ERR_TRUNCATED', exitCode: ExitCode.TEMP_FAIL, retryable: true, hint: 'the connection broke; try again' });
}
