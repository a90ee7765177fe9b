import zlib from 'node:zlib';
import type { Codec } from './transform-stage.js';
import { OUTPUT_CHUNK } from './stage.js';

/**
 * gzip through zlib: members are concatenated as gzip(1) does. Large output chunks
 * (256 KiB) cut per-chunk overhead, which is most of the cost at gzip's speeds.
 */
export function gzipCodec(): Codec {
  const stream = zlib.createGunzip({ chunkSize: OUTPUT_CHUNK });
  return { stream, consumed: () => stream.bytesWritten };
}
