import { isDlError } from '../errors/dl-error.js';
import { isTransientStatus } from './http-status-error.js';

/**
 * Whether another attempt may succeed. A DlError decides by its own `retryable` (so
 * throwing a non-retryable DlError from inside an attempt stops retrying at once, like
 * p-retry's AbortError). Foreign errors are judged by their network error code, looked
 * up along the `cause` chain because undici's fetch wraps them in "fetch failed".
 * Aborts are never transient: the user asked to stop.
 */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
]);
const UNDICI_TIMEOUT = /^UND_ERR_\w+_TIMEOUT$/;
const MAX_CAUSE_DEPTH = 8;

export const isTransient = (err: unknown): boolean => transientAt(err, 0);

function transientAt(err: unknown, depth: number): boolean {
  if (isDlError(err)) return err.retryable;
  if (typeof err !== 'object' || err === null || depth > MAX_CAUSE_DEPTH) return false;
  const e = err as { name?: unknown; code?: unknown; statusCode?: unknown; cause?: unknown };
  if (e.name === 'AbortError' || e.code === 'ABORT_ERR') return false;
  if (typeof e.code === 'string' && (TRANSIENT_CODES.has(e.code) || UNDICI_TIMEOUT.test(e.code))) return true;
  // undici's own ResponseError carries the status as statusCode.
  if (typeof e.statusCode === 'number') return isTransientStatus(e.statusCode);
  // Happy-eyeballs connects fail with an AggregateError of one error per address.
  if (err instanceof AggregateError && err.errors.some((x) => transientAt(x, depth + 1))) return true;
  return transientAt(e.cause, depth + 1);
}

/**
 * A short reason for retry events and the final message, e.g.
 * "fetch failed (ECONNRESET: read ECONNRESET)". DlError messages are complete already.
 */
export const errorReason = (err: unknown): string => reasonAt(err, 0);

function reasonAt(err: unknown, depth: number): string {
  if (!(err instanceof Error)) return String(err);
  if (isDlError(err)) return err.message;
  const code = (err as { code?: unknown }).code;
  const own = typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  if (!(err.cause instanceof Error) || depth >= MAX_CAUSE_DEPTH) return own;
  return `${own} (${reasonAt(err.cause, depth + 1)})`;
}
