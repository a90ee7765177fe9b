import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { usageError } from '../errors/dl-error.js';
import { fsError } from '../fs/fs-error.js';
import { isCompression } from '../unpack/formats.js';
import { SNIFF_BYTES, sniffFormat } from '../unpack/sniff-format.js';
import { newCounters } from '../unpack/stage.js';
import { fileSource, streamSource, type ImageSource } from './image-source.js';

/**
 * Image sources built from the other commands' stages: a compressed stream is decoded on
 * the fly (dl-unpack's sniffing and decoders), a zip holding one image is read from its
 * entry; a URL is fetched with dl-get's downloader
 * (retries, resumed connections; url-image.ts). Neither can seek, so resuming them
 * fast-forwards.
 */
export async function decodedStream(name: string, input: AsyncIterable<Buffer>, signal?: AbortSignal): Promise<ImageSource> {
  // Loaded here: the decoders (liblzma, zstd) are startup time a plain image does not need.
  const { decodeInput } = await import('../unpack/decode-input.js');
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
  const format = sniffFormat(head.subarray(0, bytesRead));
  if (format === 'zip') return zipImage(path, name);
  if (!isCompression(format)) return fileSource(path, name);
  return decodedStream(name, createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) }), signal);
}

/** A zip holding one file, the image (the way many images are published); its size is known. */
async function zipImage(path: string, name: string): Promise<ImageSource> {
  const { openZip } = await import('../archive/zip-entries.js');
  const zip = await openZip(path);
  const files = zip.entries.filter((e) => e.info.type === 'file');
  const [only] = files;
  if (files.length !== 1 || only === undefined) {
    zip.close();
    throw usageError(`${name} is a zip holding ${files.length} files, not one image`, 'extract the image with dl-unpack -C DIR, then write that file');
  }
  const source = streamSource(`${name}:${only.info.name}`, await zip.openStream(only), only.info.size);
  return { ...source, close: async () => zip.close() };
}
