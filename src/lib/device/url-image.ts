import { PassThrough } from 'node:stream';
import { downloadToStream } from '../download/download-stream.js';
import type { EventInput } from '../events/types.js';
import { createDispatcher } from '../http/dispatcher.js';
import { redactUrl } from '../redact/redact-url.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../retry/retry-policy.js';
import { decodedStream } from './compose-source.js';
import type { ImageSource } from './image-source.js';

export interface UrlSourceOptions {
  /** Proxy variables (http_proxy, no_proxy…) for the dispatcher. */
  env: Readonly<Record<string, string | undefined>>;
  retry?: RetryPolicy;
  stallTimeoutMs?: number;
  segments?: number;
  signal: AbortSignal;
  /** The downloader's retry and warn events. */
  emit: (e: EventInput) => void;
}

/**
 * An http(s) URL, downloaded in order (dl-get's downloader: segments, retries, resumed
 * connections) straight into the write, decoded if compressed. Closing the source closes
 * its connections.
 */
export async function urlImage(url: string, opts: UrlSourceOptions): Promise<ImageSource> {
  const id = redactUrl(url);
  const dispatcher = createDispatcher({ env: opts.env, warn: (code, message) => opts.emit({ type: 'warn', id, code, message }) });
  const pipe = new PassThrough({ highWaterMark: 4 << 20 });
  downloadToStream({
    url,
    id,
    out: pipe,
    dispatcher,
    segments: opts.segments ?? 4,
    minSplitBytes: 8 << 20,
    retry: opts.retry ?? { ...DEFAULT_RETRY_POLICY },
    stallTimeoutMs: opts.stallTimeoutMs ?? 30_000,
    signal: opts.signal,
    emit: (e) => {
      if (e.type === 'retry' || e.type === 'warn') opts.emit(e);
    },
  }).then(
    () => pipe.end(),
    (err: unknown) => pipe.destroy(err as Error),
  );
  const source = await decodedStream(id, pipe, opts.signal).catch(async (err: unknown) => {
    await dispatcher.close();
    throw err;
  });
  return { ...source, close: () => source.close().then(() => dispatcher.close()) };
}
