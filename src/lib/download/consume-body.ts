import type { Readable } from 'node:stream';
import { DlError, ExitCode, isDlError } from '../errors/dl-error.js';
import { chunksOf } from '../streams/chunks-of.js';
import type { RateLimiter } from '../streams/rate-limit.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { Segment } from './segment-plan.js';

/**
 * Moves a response body into a segment: rate-limited, clipped to the segment's end (which
 * may shrink when another connection steals the tail), written in batches. Stops reading
 * at the end (closing that connection). Whatever arrived before a failure is written
 * before the error goes on, so a retry continues from there.
 */
export async function consumeBody(
  body: Readable,
  seg: Segment,
  writer: ChunkWriter,
  limiter: RateLimiter | undefined,
  signal: AbortSignal,
): Promise<void> {
  try {
    for await (const chunk of chunksOf(body)) {
      if (limiter) await limiter.take(chunk.length, signal);
      const room = seg.end - seg.received;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      seg.received += part.length;
      await writer.push(part);
      if (seg.received >= seg.end) break;
    }
  } catch (err) {
    await writer.flush();
    throw networkError(err, signal);
  }
  await writer.flush();
  if (seg.received < seg.end && Number.isFinite(seg.end)) {
    throw shortBody(seg.received - seg.start, seg.end - seg.start);
  }
}

export const shortBody = (got: number, want: number): DlError =>
  new DlError(`connection closed after ${got} of ${want} bytes`, {
    code: 'DL_ERR_SHORT_BODY',
    exitCode: ExitCode.TEMP_FAIL,
    retryable: true,
    hint: 'the server or network cut the transfer; run again to resume',
  });

/** undici body failures (socket closed, body timeout, length mismatch) are worth a retry. */
export function networkError(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || isDlError(err)) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('UND_ERR_') && code !== 'UND_ERR_ABORTED') {
    return new DlError(`transfer failed: ${(err as Error).message} (${code})`, {
      code: 'DL_ERR_NETWORK',
      exitCode: ExitCode.TEMP_FAIL,
      retryable: true,
      cause: err,
      hint: 'run again to resume',
    });
  }
  return err;
}
