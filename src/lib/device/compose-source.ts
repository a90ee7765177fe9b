import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { EventInput } from '../events/types.js';
import { downloadToStream } from '../download/download-stream.js';
import { fsError } from '../fs/fs-error.js';
import { redactUrl } from '../redact/redact-url.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import { decodeInput } from '../unpack/decode-input.js';
import { isCompression } from '../unpack/formats.js';
import { SNIFF_BYTES, sniffFormat } from '../unpack/sniff-format.js';
import { newCounters } from '../unpack/stage.js';
import { fileSource, streamSource, type ImageSource } from './image-source.js';

/**
 * Image sources built from the other commands' stages: a compressed stream is decoded on
 * the fly (dl-unpack's sniffing and decoders); a URL is fetched with dl-get's downloader
 * (retries, resumed connections). Neither can seek, so resuming them fast-forwards.
 */
export async function decodedStream(name: string, input: AsyncIterable<Buffer>, signal?: AbortSignal): Promise<ImageSource> {
  const decoded = await decodeInput(input, { force: true, counters: newCounters(), ...(signal ? { signal } : {}) });
  return streamSource(decoded.compression ? `${name} (${decoded.compression})` : name, decoded.output);
}

/** A file: read in place (seekable) unless it is compressed, then decoded as a stream. */
export async function openFileImage(path: string, name: string, signal?: AbortSignal): Promise<ImageSource> {
  const fh = await open(path, 'r').catch((err: unknown) => {
    throw fsError(err, path, 'read');
  });
  const head = Buffer.alloc(SNIFF_BYTES);
  const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0).finally(() => fh.close());
  if (!isCompression(sniffFormat(head.subarray(0, bytesRead)))) return fileSource(path, name);
  return decodedStream(name, createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) }), signal);
}

export interface UrlSourceOptions {
  dispatcher: Dispatcher;
  retry: RetryPolicy;
  stallTimeoutMs: number;
  segments: number;
  signal: AbortSignal;
  /** The downloader's retry and warn events. */
  emit: (e: EventInput) => void;
}

/** An http(s) URL, downloaded in order into the write, decoded if compressed. */
export async function urlImage(url: string, opts: UrlSourceOptions): Promise<ImageSource> {
  const pipe = new PassThrough({ highWaterMark: 4 << 20 });
  const id = redactUrl(url);
  downloadToStream({
    url,
    id,
    out: pipe,
    dispatcher: opts.dispatcher,
    segments: opts.segments,
    minSplitBytes: 8 << 20,
    retry: opts.retry,
    stallTimeoutMs: opts.stallTimeoutMs,
    signal: opts.signal,
    emit: (e) => {
      if (e.type === 'retry' || e.type === 'warn') opts.emit(e);
    },
  }).then(
    () => pipe.end(),
    (err: unknown) => pipe.destroy(err as Error),
  );
  return decodedStream(id, pipe, opts.signal);
}
