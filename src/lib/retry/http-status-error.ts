import { STATUS_CODES } from 'node:http';
import { DlError, ExitCode, isDlError } from '../errors/dl-error.js';

/**
 * The contract between the HTTP layer and retrying: an unwanted HTTP answer is a DlError
 * with code `DL_ERR_HTTP_<status>` and these details. `retryable` says whether another
 * attempt may succeed; `retryAfterMs` is the server's Retry-After, already parsed
 * (parseRetryAfter) relative to when the answer came, and is honored by retryWithPolicy.
 */
export interface HttpErrorDetails {
  status: number;
  /** Already redacted by the caller. */
  url: string;
  retryAfterMs?: number;
}

/**
 * 408, 429 and 5xx may succeed later. 501 and 505 are 5xx that say the server cannot do
 * this at all, so retrying them only wastes the budget.
 */
export const isTransientStatus = (status: number): boolean =>
  status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);

/** Build the DlError for an HTTP status; `url` must already be redacted. */
export function httpStatusError(status: number, url: string, retryAfterMs?: number): DlError {
  const transient = isTransientStatus(status);
  const details: HttpErrorDetails = { status, url, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  const reason = STATUS_CODES[status] ?? 'unexpected status';
  return new DlError(`HTTP ${status} ${reason} from ${url}`, {
    code: `DL_ERR_HTTP_${status}`,
    exitCode: transient ? ExitCode.TEMP_FAIL : ExitCode.UNAVAILABLE,
    retryable: transient,
    hint: statusHint(status, transient),
    details: { ...details },
  });
}

function statusHint(status: number, transient: boolean): string {
  if (status === 401 || status === 403) return 'check the credentials for this URL (-H "Authorization: …" or the config file)';
  if (status === 404 || status === 410) return 'check the URL';
  if (transient) return 'the server is busy or failing; try again later';
  return 'the server refused the request; check the URL and options';
}

/** The Retry-After an error carries under the contract above, if any. */
export function retryAfterMsOf(err: unknown): number | undefined {
  const ms = isDlError(err) ? err.details?.['retryAfterMs'] : undefined;
  return typeof ms === 'number' && ms >= 0 ? ms : undefined;
}
