import type { EventInput } from '../events/types.js';
import { redactText } from '../redact/redact-text.js';
import { errorReason } from '../retry/classify-error.js';
import type { RetryInfo } from '../retry/retry-with-policy.js';

/** An onRetry callback that emits a `retry` event with a redacted reason. */
export function retryEmitter(
  id: string,
  emit: (e: EventInput) => void,
  secrets: readonly string[] = [],
  /** What was being fetched (e.g. the segment's range), asked at each retry. */
  what?: () => string,
): (info: RetryInfo) => void {
  return ({ attempt, delayMs, error }) =>
    emit({
      type: 'retry',
      id,
      attempt,
      delayMs,
      reason: redactText(`${what ? `${what()}: ` : ''}${errorReason(error)}`, secrets),
    });
}
