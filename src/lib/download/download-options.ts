import type { Dispatcher } from 'undici';
import type { Algorithm } from '../hash/algorithms.js';
import type { EventInput } from '../events/types.js';
import type { Credentials } from '../http/credentials.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import type { RateLimiter } from '../streams/rate-limit.js';

/** What every download needs, whatever its output. */
export interface DownloadOptions {
  /** The URL to fetch; `mirrors` serve the same bytes. */
  url: string;
  mirrors?: readonly string[];
  dispatcher: Dispatcher;
  credentials?: Credentials;
  /** Parallel connections (1 = one stream). */
  segments: number;
  /** Smallest piece an idle connection splits off a running one. */
  minSplitBytes: number;
  retry: RetryPolicy;
  /** Longest silence on a connection (headers or body) before it counts as failed. */
  stallTimeoutMs: number;
  limiter?: RateLimiter;
  /** Digests to check (`--expect`); their algorithms are computed while downloading. */
  expect?: Partial<Record<Algorithm, string>>;
  /** Event id (usually the redacted URL or the output name). */
  id: string;
  signal: AbortSignal;
  emit: (e: EventInput) => void;
  /** Clock for durations and rates (tests). */
  now?: () => number;
}

/** What a finished download reports (the `end` event carries the same). */
export interface DownloadResult {
  bytes: number;
  /** The final file, when writing to one. */
  path?: string;
  digests: Partial<Record<Algorithm, string>>;
  durationMs: number;
  status: number;
  /** Bytes fetched over the network in this run (less than `bytes` after a resume). */
  fetched: number;
}
