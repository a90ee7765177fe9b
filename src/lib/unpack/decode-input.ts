import { byteMeter } from '../streams/byte-meter.js';
import { DlError, ExitCode } from '../errors/dl-error.js';
import { codecStage } from './codec-stage.js';
import type { BufferRecycler } from '../streams/buffer-recycler.js';
import type { DecodePool } from './decode-pool.js';
import { describeContent } from './describe-content.js';
import { isCompression, type Compression, type Format } from './formats.js';
import { limitStage } from './limit-stage.js';
import { peekHead } from './peek-head.js';
import { SNIFF_BYTES, sniffFormat } from './sniff-format.js';
import type { ByteCounters } from './stage.js';

export interface DecodeOptions {
  /** --format: decode as this instead of sniffing. */
  format?: Format;
  /** -f: pass input that is not compressed through unchanged, as `zcat -f` does. */
  force?: boolean;
  /** Also accept uncompressed tar and zip (extraction and listing do). */
  allowArchive?: boolean;
  /** --max-size: most bytes the decoded output may have. */
  maxSize?: number;
  counters: ByteCounters;
  signal?: AbortSignal;
  /** Worker threads for bzip2 blocks (default: one per core for this input). */
  pool?: DecodePool;
  /** Output buffers to fill again once the consumer has written them (xz, zstd, bzip2). */
  recycler?: BufferRecycler;
  /** Where input chunks go back once decoded or copied (xz, zstd, bzip2): the buffers
   * the input is read into (readFileChunks). */
  inputRecycler?: BufferRecycler;
  /** Told the formats found once sniffed, before any output (for `start` events). */
  onSniffed?: (compression: Compression | null, inner: Format | null) => void;
}

export interface Decoded {
  /** The compression found (or forced), null when passed through. */
  compression: Compression | null;
  /** What the decoded bytes start with: 'tar', 'zip' or null. */
  inner: Format | null;
  /** The first bytes of the decoded output, for describing it. */
  head: Buffer;
  output: AsyncIterable<Buffer>;
}

function notCompressedError(head: Buffer, format: Format | null): DlError {
  const what = format === 'tar' ? 'a tar archive' : format === 'zip' ? 'a zip archive' : describeContent(head);
  return new DlError(`input is not compressed (it looks like ${what})`, {
    code: 'DL_ERR_NOT_COMPRESSED',
    exitCode: ExitCode.INTEGRITY,
    hint: format ? 'extract it with -C DIR, list it with -l, or pass it through with -f' : 'pass it through unchanged with -f, or name its format with --format',
    details: { looksLike: what },
  });
}

/**
 * Sniffs the input, decodes it if compressed, and sniffs again what came out (a tar
 * inside .tar.xz). Counts bytes in and out, and caps the output at maxSize.
 */
export async function decodeInput(input: AsyncIterable<Buffer>, opts: DecodeOptions): Promise<Decoded> {
  const counted = byteMeter<Buffer>((_, n) => void (opts.counters.bytesIn += n))(input);
  const first = await peekHead(counted, SNIFF_BYTES);
  const found = opts.format ?? sniffFormat(first.head);
  const compression = isCompression(found) ? found : null;
  if (!compression && !opts.force && !(opts.allowArchive && found)) throw notCompressedError(first.head, found);
  let output = compression ? codecStage(compression, { pool: opts.pool, output: opts.recycler, input: opts.inputRecycler })(first.source, { signal: opts.signal }) : first.source;
  if (opts.maxSize !== undefined) output = limitStage(opts.maxSize)(output);
  output = byteMeter<Buffer>((_, n) => void (opts.counters.bytesOut += n))(output);
  if (!compression) {
    opts.onSniffed?.(null, found);
    return { compression, inner: found, head: first.head, output };
  }
  const second = await peekHead(output, SNIFF_BYTES);
  const inner = sniffFormat(second.head);
  opts.onSniffed?.(compression, inner);
  return { compression, inner, head: second.head, output: second.source };
}
