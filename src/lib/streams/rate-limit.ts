import { abortedError, usageError } from '../errors/dl-error.js';
import { sleep } from '../retry/sleep.js';

/**
 * A token bucket shared by any number of streams, so one budget (`--limit-rate`) holds for
 * a whole batch. take() reserves at once and lets the balance go negative: each caller
 * waits off the debt ahead of it, so concurrent streams are served in call order and the
 * sum of their throughput stays at the rate. Oversleeping timers are made up by the
 * bucket refilling (up to `burstBytes`), which keeps long runs on rate.
 */
export interface RateLimiter {
  readonly bytesPerSecond: number;
  /** Largest piece worth one take(); throttleBytes splits chunks to it for fairness. */
  readonly maxTakeBytes: number;
  /** Resolve once `bytes` may pass; reject with the `interrupted` DlError on abort. */
  take(bytes: number, signal?: AbortSignal): Promise<void>;
}

export interface RateLimiterOptions {
  /** Bytes that may pass without waiting after an idle time; default 1/20 s worth. */
  burstBytes?: number;
  now?: () => number;
}

const MAX_PIECE = 64 * 1024;

export function createRateLimiter(bytesPerSecond: number, opts: RateLimiterOptions = {}): RateLimiter {
  if (!(Number.isFinite(bytesPerSecond) && bytesPerSecond > 0)) {
    throw usageError(`rate limit must be a finite number of bytes per second > 0, got ${bytesPerSecond}`);
  }
  const burst = opts.burstBytes ?? Math.max(1, Math.ceil(bytesPerSecond / 20));
  if (!(Number.isFinite(burst) && burst >= 1)) throw usageError(`rate limit burst must be ≥ 1 byte, got ${burst}`);
  const now = opts.now ?? (() => performance.now());
  const perMs = bytesPerSecond / 1000;
  let tokens = burst;
  let last = now();
  const refill = (): void => {
    const t = now();
    tokens = Math.min(burst, tokens + (t - last) * perMs);
    last = t;
  };
  return {
    bytesPerSecond,
    maxTakeBytes: Math.min(burst, MAX_PIECE),
    take(bytes, signal) {
      if (signal?.aborted) return Promise.reject(abortedError());
      refill();
      tokens -= bytes;
      if (tokens >= 0) return Promise.resolve();
      return sleep(Math.ceil(-tokens / perMs), signal).catch((err: unknown) => {
        tokens += bytes; // those bytes never passed: give them back to the others
        throw err;
      });
    },
  };
}

type ByteStage = (source: AsyncIterable<Uint8Array>, opts?: { signal?: AbortSignal }) => AsyncGenerator<Uint8Array>;

/**
 * A pipeline stage that holds chunks back to the limiter's rate, splitting big chunks
 * into views (no copies). Abortable through `signal`, or through the one stream.pipeline
 * hands to its stages.
 */
export function throttleBytes(limiter: RateLimiter, signal?: AbortSignal): ByteStage {
  const piece = limiter.maxTakeBytes;
  return async function* throttle(source, opts) {
    const abort = signal ?? opts?.signal;
    for await (const chunk of source) {
      for (let at = 0; at < chunk.length; at += piece) {
        const part = chunk.length <= piece ? chunk : chunk.subarray(at, at + piece);
        await limiter.take(part.length, abort);
        yield part;
      }
    }
  };
}
